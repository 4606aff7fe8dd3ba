// A randomized concurrent workload on a PostgreSQL server (where transactions really overlap): many
// accounts at once follow and unfollow, ask, approve, decline and cancel, switch between private and
// public, post, reply, repost, like and unlike, block, and some accounts are deleted mid-run. Whatever the
// interleaving, afterwards every counter equals the rows it counts, no request outlives its reason, and
// no operation failed for any reason but a refusal the operation states. Operations on two accounts lock
// their rows in uid order, so no two live accounts deadlock; only a deleted account's own writes may meet
// its deletion that way. The seed is printed on failure.
import { describe, expect, it } from "vitest";
import { purgeAccountData } from "../../functions/src/account/purge.ts";
import { counterDrift } from "./support/counters.ts";
import { stack } from "./support/stack.ts";
import { ok } from "./support.ts";

/** A small seeded PRNG (mulberry32): a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Errors an operation may answer in a race (a refusal it states); anything else is a bug.
const REFUSAL =
  /already|not found|no such|nothing to|cannot|can't|not allowed|blocked|private|deleted|refused|request|own|yourself|exist|not following|pending|permission|unauthorized|denied|FAILED_PRECONDITION|NOT_FOUND|PERMISSION_DENIED|ALREADY_EXISTS|INVALID_ARGUMENT/i;
const BUG = /deadlock|serializ|transaction is aborted|internal|syntax|violates|TypeError/i;

describe("a randomized concurrent graph workload (postgres)", () => {
  const s = stack("postgres");

  it("leaves every counter exact and every follow request consistent", async () => {
    const seed = Number(process.env.WORKLOAD_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const uids = Array.from({ length: 16 }, (_, i) => `load${seed}-${i}`);
    for (const uid of uids) ok(await s.as(uid, "mutation", "UpsertMe", { displayName: uid }));
    for (const uid of uids.slice(0, 6))
      ok(await s.as(uid, "mutation", "UpdateMyProfile", { isPrivate: true }));
    const posts: string[] = [];
    for (const uid of uids)
      posts.push(
        ok<{ post_insert: { id: string } }>(
          await s.as(uid, "mutation", "CreatePost", { content: `by ${uid}` }),
        ).post_insert.id,
      );
    const doomed = new Set(uids.slice(10, 13));
    const bugs: string[] = [];
    let refusals = 0;
    const deadlocks: string[] = [];
    let calls = 0;

    const step = async (me: string) => {
      const other = pick(uids.filter((u) => u !== me));
      const post = pick(posts);
      const [name, variables]: [string, Record<string, unknown>] = pick([
        ["Follow", { uid: other }],
        ["Follow", { uid: other }],
        ["Unfollow", { uid: other }],
        ["ApproveFollowRequest", { requesterUid: other }],
        ["ApproveFollowRequest", { requesterUid: other }],
        ["DeclineFollowRequest", { requesterUid: other }],
        ["CancelFollowRequest", { targetUid: other }],
        ["UpdateMyProfile", { isPrivate: random() < 0.5 }],
        ["LikePost", { post }],
        ["LikePost", { post }],
        ["UnlikePost", { post }],
        ["Reply", { to: post, content: "re" }],
        ["Repost", { of: post }],
        ["Block", { uid: other }],
        ["Unblock", { uid: other }],
        ["CreatePost", { content: "more", visibility: random() < 0.5 ? "PUBLIC" : "FOLLOWERS" }],
      ] as const);
      calls++;
      const res = await s.as(me, "mutation", name, variables);
      const created = (res.data as { post_insert?: { id: string } } | undefined)?.post_insert?.id;
      if (created) posts.push(created);
      // A failed step in a transaction fails the others ("... was not executed"): judge the cause.
      const causes = (res.errors ?? []).filter((e) => !/was not executed|was rolled back/.test(e.message));
      for (const error of causes) {
        const text = `${error.message} ${JSON.stringify(error.extensions ?? {})}`;
        // A deleted account's writes fail on the missing account row: that is their refusal.
        const gone =
          (doomed.has(me) || doomed.has(other)) &&
          /violates foreign key constraint "\w+_uid_fkey"/.test(text);
        // Doing twice what may be done once (a second like) is refused as ALREADY_EXISTS.
        const twice = /"code":"ALREADY_EXISTS"/.test(text);
        // A deleted account's own writes may meet its deletion's lock on its row in the other order
        // (they fail either way); any other deadlock is a lock-order bug (dataconnect/README.md, "Deadlocks").
        if (doomed.has(me) && /^deadlock detected /.test(text)) {
          refusals++;
          continue;
        }
        if (/^deadlock detected .*"code":"ABORTED"/.test(text)) {
          deadlocks.push(`${name} ${JSON.stringify(variables)}`);
          continue;
        }
        if (!gone && !twice && (BUG.test(text) || !REFUSAL.test(text)))
          bugs.push(`${me} ${name} ${JSON.stringify(variables)}: ${text}`);
        else refusals++;
      }
    };

    // Each account acts in its own sequence, all accounts at once; three of them are deleted meanwhile.
    const actors = uids.map(async (uid) => {
      for (let i = 0; i < 25; i++) await step(uid);
    });
    const deletions = [...doomed].map(async (uid, i) => {
      await new Promise((r) => setTimeout(r, 150 * (i + 1)));
      await purgeAccountData(s.admin, uid, { batch: 3 });
    });
    await Promise.all([...actors, ...deletions]);
    await s.fns.sweepLikeCountsEveryMinute.run({ scheduleTime: "", jobName: "test" } as never);

    const context = `seed ${seed} (WORKLOAD_SEED=${seed} replays it), ${calls} calls, ${refusals} refusals, deadlocks: ${deadlocks.join("; ") || "none"}`;
    expect(bugs, context).toEqual([]);
    expect(deadlocks, context).toEqual([]);
    expect(await counterDrift(s.db), context).toEqual([]);
    const [state] = await s.db.query<{ public: number; both: number; blocked: number; left: number }>(
      `SELECT
         (SELECT count(*)::int FROM follow_request r JOIN "user" t ON t.uid = r.target_uid WHERE NOT t.is_private) AS public,
         (SELECT count(*)::int FROM follow_request r WHERE EXISTS (SELECT 1 FROM follow f
            WHERE f.follower_uid = r.requester_uid AND f.followee_uid = r.target_uid)) AS both,
         (SELECT count(*)::int FROM follow f WHERE EXISTS (SELECT 1 FROM block b
            WHERE (b.user_uid, b.target_uid) IN ((f.follower_uid, f.followee_uid), (f.followee_uid, f.follower_uid)))) AS blocked,
         (SELECT count(*)::int FROM "user" WHERE uid = ANY ($1)) AS left`,
      [[...doomed]],
    );
    expect(state, context).toEqual({ public: 0, both: 0, blocked: 0, left: 0 });
  });
});
