// Counter reconciliation (functions/src/counters/reconcile.ts, connector/counters.gql) as the deployed
// scheduled function runs it (`.run()`: the scheduler does not run locally), on PGlite and on a
// PostgreSQL server: every counter drifted by hand is recounted and fixed, one report per fix, in
// bounded batches that continue across runs, and exact counters are left alone.
import { describe, expect, it } from "vitest";
import { RECONCILE_CURSOR_PATH } from "../../functions/src/counters/cursorStore.ts";
import { type CounterFix, reconcileCounters } from "../../functions/src/counters/reconcile.ts";
import { counterDrift } from "./support/counters.ts";
import { stack } from "./support/stack.ts";
import { BACKENDS, ok } from "./support.ts";

describe.each(BACKENDS)("counter reconciliation (%s)", (backend) => {
  const s = stack(backend);
  let n = 0;

  /** Three accounts that follow, post, reply, repost, quote, like and comment; counters settled. */
  const world = async () => {
    const id = ++n;
    const [ada, bob, cy] = ["ada", "bob", "cy"].map((name) => `${name}${id}`) as [string, string, string];
    for (const uid of [ada, bob, cy]) ok(await s.as(uid, "mutation", "UpsertMe", { displayName: uid }));
    ok(await s.as(bob, "mutation", "Follow", { uid: ada }));
    ok(await s.as(cy, "mutation", "Follow", { uid: ada }));
    const post = ok<{ post_insert: { id: string } }>(
      await s.as(ada, "mutation", "CreatePost", { content: "hello" }),
    ).post_insert.id;
    ok(await s.as(bob, "mutation", "Reply", { to: post, content: "hi" }));
    ok(await s.as(cy, "mutation", "Repost", { of: post }));
    ok(await s.as(bob, "mutation", "LikePost", { post }));
    ok(await s.as(cy, "mutation", "LikePost", { post }));
    ok(await s.as(cy, "mutation", "AddComment", { post, content: "nice" }));
    await s.fns.sweepLikeCountsEveryMinute.run({ scheduleTime: "", jobName: "test" } as never);
    return { ada, bob, cy, post };
  };

  const runScheduled = () =>
    s.fns.reconcileCountersDaily.run({ scheduleTime: "", jobName: "test" } as never) as Promise<void>;

  /** Sets counters wrong behind every operation's back, as a bug or a manual edit would. */
  const drift = async (w: { ada: string; bob: string; post: string }) => {
    await s.db.query(`UPDATE "user" SET follower_count = 7, post_count = 0 WHERE uid = $1`, [w.ada]);
    await s.db.query(`UPDATE "user" SET following_count = 3 WHERE uid = $1`, [w.bob]);
    await s.db.query(
      `UPDATE post_stats SET like_count = 40, comment_count = 0, reply_count = 5, share_count = 9
       WHERE post_id = $1::uuid`,
      [w.post],
    );
  };

  it("fixes every drifted counter of accounts and posts, and recreates a missing stats row", async () => {
    const w = await world();
    expect(await counterDrift(s.db)).toEqual([]);
    await drift(w);
    const orphan = ok<{ post_insert: { id: string } }>(
      await s.as(w.bob, "mutation", "CreatePost", { content: "no stats" }),
    ).post_insert.id;
    await s.db.query(`DELETE FROM post_stats WHERE post_id = $1::uuid`, [orphan]);
    expect((await counterDrift(s.db)).length).toBeGreaterThan(0);
    await runScheduled();
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("reports each fix with its account or post, counter, wrong value and right value", async () => {
    const w = await world();
    await reconcileCounters(s.admin); // whatever earlier tests left
    await drift(w);
    const fixes: CounterFix[] = [];
    const report = await reconcileCounters(s.admin, { batch: 2, onFix: (f) => fixes.push(f) });
    const post = w.post.replaceAll("-", "");
    expect(fixes).toEqual(
      expect.arrayContaining([
        { table: "user", key: w.ada, counter: "followerCount", was: 7, now: 2 },
        { table: "user", key: w.ada, counter: "postCount", was: 0, now: 1 },
        { table: "user", key: w.bob, counter: "followingCount", was: 3, now: 1 },
        { table: "post_stats", key: post, counter: "likeCount", was: 40, now: 2 },
        { table: "post_stats", key: post, counter: "commentCount", was: 0, now: 1 },
        { table: "post_stats", key: post, counter: "replyCount", was: 5, now: 1 },
        { table: "post_stats", key: post, counter: "shareCount", was: 9, now: 1 },
      ]),
    );
    expect(fixes).toHaveLength(7);
    expect(report).toMatchObject({ fixes: 7, unfinished: false });
    expect(report.batches).toBeGreaterThan(1);
  });

  it("changes nothing and reports nothing when every counter is exact", async () => {
    await world();
    await reconcileCounters(s.admin); // whatever earlier tests left
    const before = await s.db.query(`SELECT * FROM "user" ORDER BY uid`);
    const stats = await s.db.query(`SELECT * FROM post_stats ORDER BY post_id`);
    const fixes: CounterFix[] = [];
    const report = await reconcileCounters(s.admin, { batch: 3, onFix: (f) => fixes.push(f) });
    expect(fixes).toEqual([]);
    expect(report).toMatchObject({ fixes: 0, createdStats: 0, unfinished: false });
    expect(await s.db.query(`SELECT * FROM "user" ORDER BY uid`)).toEqual(before);
    expect(await s.db.query(`SELECT * FROM post_stats ORDER BY post_id`)).toEqual(stats);
  });

  it("leaves a like count with unsettled likes to the settlement: pending likes are not drift", async () => {
    const w = await world();
    ok(await s.as(w.ada, "mutation", "LikePost", { post: w.post })); // not settled yet
    const fixes: CounterFix[] = [];
    await reconcileCounters(s.admin, { onFix: (f) => fixes.push(f) });
    expect(fixes.filter((f) => f.counter === "likeCount")).toEqual([]);
    await s.fns.sweepLikeCountsEveryMinute.run({ scheduleTime: "", jobName: "test" } as never);
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("stops at its time budget with its place saved, and the next run continues from there", async () => {
    const w = await world();
    await drift(w);
    let saved: { afterUid: string; afterPost: string } | null = null;
    const store = {
      load: async () => saved,
      save: async (cursor: typeof saved) => {
        saved = cursor;
      },
    };
    const first = await reconcileCounters(s.admin, { batch: 1, budgetMs: 0, store });
    expect(first).toMatchObject({ batches: 1, unfinished: true });
    expect(saved).not.toBeNull();
    for (let runs = 0; saved !== null && runs < 1000; runs++)
      await reconcileCounters(s.admin, { batch: 1, budgetMs: 0, store });
    expect(saved).toBeNull();
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("the scheduled run keeps its place in a server-only Firestore document, cleared when done", async () => {
    await world();
    await runScheduled();
    expect((await s.store.doc(RECONCILE_CURSOR_PATH).get()).get("cursor")).toBeNull();
  });
});
