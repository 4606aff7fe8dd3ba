// Account deletion (dataconnect/connector/account.gql, functions/src/account) as the deployed functions
// run it, on PGlite and on a PostgreSQL server: every row of the account goes (posts and comments as
// tombstones of the placeholder account), every other account's counters stay exact, its Firestore
// documents go, and running it again — after it finished or after it was killed halfway — completes it
// and changes nothing more. The Auth trigger and the callable are exercised end to end in
// test/e2e/account-functions.test.ts.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deleteAccountData } from "../../functions/src/account/deleteAccount.ts";
import { purgeAccountData } from "../../functions/src/account/purge.ts";
import { feedPage } from "../client/feed.ts";
import { counterDrift } from "./support/counters.ts";
import { stack } from "./support/stack.ts";
import { BACKENDS, ok } from "./support.ts";

const NEWEST = { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" };

describe.each(BACKENDS)("account deletion (%s)", (backend) => {
  const s = stack(backend);
  let n = 0;

  /** Every row that still names `uid`, by table (empty when the account is gone). */
  const leftovers = async (uid: string) =>
    (
      await s.db.query<{ what: string; n: number }>(
        `SELECT 'user' AS what, count(*)::int AS n FROM "user" WHERE uid = $1
         UNION ALL SELECT 'follow', count(*)::int FROM follow WHERE follower_uid = $1 OR followee_uid = $1
         UNION ALL SELECT 'follow_request', count(*)::int FROM follow_request WHERE requester_uid = $1 OR target_uid = $1
         UNION ALL SELECT 'block', count(*)::int FROM block WHERE user_uid = $1 OR target_uid = $1
         UNION ALL SELECT 'mute', count(*)::int FROM mute WHERE user_uid = $1 OR target_uid = $1
         UNION ALL SELECT 'like', count(*)::int FROM "like" WHERE user_uid = $1
         UNION ALL SELECT 'bookmark', count(*)::int FROM bookmark WHERE user_uid = $1
         UNION ALL SELECT 'post', count(*)::int FROM post WHERE author_uid = $1
         UNION ALL SELECT 'comment', count(*)::int FROM comment WHERE author_uid = $1`,
        [uid],
      )
    ).filter((r) => r.n > 0);

  /**
   * A victim with one of everything, and neighbours tied to it every way: follows and requests both
   * ways, blocks and mutes both ways, likes, bookmarks, comments and an answer to one, replies, a repost
   * and a quote in both directions. Firestore: profile, settings, drafts, notifications.
   */
  const world = async () => {
    const id = ++n;
    const [victim, fan, idol, locked, asker, other, pest] = [
      "victim",
      "fan",
      "idol",
      "locked",
      "asker",
      "other",
      "pest",
    ].map((name) => `${name}${id}`) as [string, string, string, string, string, string, string];
    for (const uid of [victim, fan, idol, locked, asker, other, pest])
      ok(await s.as(uid, "mutation", "UpsertMe", { displayName: uid }));
    ok(await s.as(victim, "mutation", "UpdateMyProfile", { isPrivate: true }));
    ok(await s.as(locked, "mutation", "UpdateMyProfile", { isPrivate: true }));
    ok(await s.as(fan, "mutation", "Follow", { uid: victim }));
    ok(await s.as(victim, "mutation", "ApproveFollowRequest", { requesterUid: fan }));
    ok(await s.as(asker, "mutation", "Follow", { uid: victim }));
    ok(await s.as(victim, "mutation", "Follow", { uid: idol }));
    ok(await s.as(victim, "mutation", "Follow", { uid: locked }));
    ok(await s.as(victim, "mutation", "Mute", { uid: other }));
    ok(await s.as(other, "mutation", "Mute", { uid: victim }));
    ok(await s.as(other, "mutation", "Block", { uid: victim }));
    ok(await s.as(victim, "mutation", "Block", { uid: pest }));
    const create = async (uid: string, content: string, visibility?: string) =>
      ok<{ post_insert: { id: string } }>(
        await s.as(uid, "mutation", "CreatePost", { content, ...(visibility ? { visibility } : {}) }),
      ).post_insert.id;
    const idolPost = await create(idol, "idol speaks");
    const victimPost = await create(victim, "victim speaks #bye");
    const victimFriends = await create(victim, "for followers", "FOLLOWERS");
    const victimReply = ok<{ post_insert: { id: string } }>(
      await s.as(victim, "mutation", "Reply", { to: idolPost, content: "victim replies" }),
    ).post_insert.id;
    ok(await s.as(victim, "mutation", "Repost", { of: idolPost }));
    ok(await s.as(victim, "mutation", "Quote", { of: idolPost, content: "victim quotes" }));
    ok(await s.as(victim, "mutation", "LikePost", { post: idolPost }));
    ok(await s.as(victim, "mutation", "BookmarkPost", { post: idolPost }));
    const comment = ok<{ comment_insert: { id: string } }>(
      await s.as(victim, "mutation", "AddComment", { post: idolPost, content: "victim comments" }),
    ).comment_insert.id;
    ok(
      await s.as(idol, "mutation", "AddComment", {
        post: idolPost,
        content: "idol answers",
        parent: comment,
      }),
    );
    const fanReply = ok<{ post_insert: { id: string } }>(
      await s.as(fan, "mutation", "Reply", { to: victimPost, content: "fan replies" }),
    ).post_insert.id;
    ok(await s.as(fan, "mutation", "LikePost", { post: victimPost }));
    ok(await s.as(fan, "mutation", "AddComment", { post: victimPost, content: "fan comments" }));
    ok(await s.as(fan, "mutation", "BookmarkPost", { post: victimFriends }));
    await s.fns.sweepLikeCountsEveryMinute.run({ scheduleTime: "", jobName: "test" } as never);
    const store = s.store;
    await store.doc(`profiles/${victim}`).set({ displayName: victim });
    await store.doc(`users/${victim}/settings/preferences`).set({ theme: "dark" });
    for (let i = 0; i < 3; i++)
      await store.doc(`users/${victim}/drafts/d${i}`).set({ content: `draft ${i}` });
    for (let i = 0; i < 5; i++) await store.doc(`users/${victim}/notifications/n${i}`).set({ kind: "like" });
    await store.doc(`profiles/${fan}`).set({ displayName: fan });
    await store.doc(`users/${fan}/drafts/d0`).set({ content: "keep me" });
    return { victim, fan, idol, locked, asker, other, idolPost, victimPost, victimReply, fanReply };
  };

  /** The Firestore documents of `uid` that still exist (paths). */
  const documentsOf = async (uid: string) => {
    const paths: string[] = [];
    if ((await s.store.doc(`profiles/${uid}`).get()).exists) paths.push(`profiles/${uid}`);
    for (const sub of ["settings", "drafts", "notifications"])
      for (const doc of (await s.store.collection(`users/${uid}/${sub}`).get()).docs)
        paths.push(doc.ref.path);
    return paths;
  };

  it("removes every row of the account and its Firestore documents, keeping every other counter exact", async () => {
    const w = await world();
    expect(await counterDrift(s.db)).toEqual([]);
    const report = await deleteAccountData({ dc: s.admin, db: s.store }, w.victim);
    expect(report.accountDeleted).toBe(true);
    expect(report.batches).toBeGreaterThan(1);
    expect(await leftovers(w.victim)).toEqual([]);
    expect(await documentsOf(w.victim)).toEqual([]);
    expect(await documentsOf(w.fan)).toEqual([`profiles/${w.fan}`, `users/${w.fan}/drafts/d0`]);
    expect(await counterDrift(s.db)).toEqual([]);
    // The neighbours' own counters, by name: the follows and requests are gone with the account.
    const counts = await s.db.query(
      `SELECT uid, follower_count, following_count FROM "user" WHERE uid = ANY ($1) ORDER BY uid`,
      [[w.fan, w.idol, w.locked]],
    );
    expect(counts).toEqual([
      { uid: w.fan, follower_count: 0, following_count: 0 },
      { uid: w.idol, follower_count: 0, following_count: 0 },
      { uid: w.locked, follower_count: 0, following_count: 0 },
    ]);
  });

  it("tombstones the account's posts: threads keep their shape and nothing of it is shown", async () => {
    const w = await world();
    await deleteAccountData({ dc: s.admin, db: s.store }, w.victim);
    const [post] = await s.db.query(
      `SELECT author_uid, content, deleted_at IS NOT NULL AS deleted FROM post WHERE id = $1`,
      [w.victimPost],
    );
    expect(post).toEqual({ author_uid: "~deleted", content: "", deleted: true });
    // The fan's reply stays a reply (to a post nobody may see), with its own counters.
    const reply = ok<{ post: Record<string, unknown> | null }>(
      await s.as(w.other, "query", "PostThread", { id: w.fanReply }),
    ).post;
    expect(reply).toMatchObject({ kind: "REPLY", replyToId: null, content: "fan replies" });
    // The idol's post counts what is left: the idol's own answer, no reply, share or like of the victim's.
    const idol = ok<{ post: Record<string, unknown> }>(
      await s.as(w.idol, "query", "PostThread", { id: w.idolPost }),
    ).post;
    expect(idol).toMatchObject({ replyCount: 0, shareCount: 0, likeCount: 0, commentCount: 1 });
    const everywhere = JSON.stringify([
      ok(await s.as(w.fan, "query", "HomeFeed", NEWEST)),
      ok(await s.as(w.fan, "query", "SearchPosts", { query: "victim", ...NEWEST })),
      ok(await s.as(w.fan, "query", "HashtagFeed", { tag: "bye", ...NEWEST })),
      ok(await s.as(w.fan, "query", "SearchUsers", { query: w.victim })),
      ok(
        await s.as(w.idol, "query", "PostComments", {
          post: w.idolPost,
          afterTime: "1970-01-01T00:00:00Z",
          afterId: "00000000-0000-0000-0000-000000000000",
        }),
      ),
    ]);
    expect(everywhere).not.toContain("victim speaks");
    expect(everywhere).not.toContain("victim comments");
    expect(everywhere).not.toContain(w.victim);
    expect(
      feedPage(ok<{ _select: unknown }>(await s.as(w.fan, "query", "HomeFeed", NEWEST))._select).items,
    ).toEqual([expect.objectContaining({ content: "fan replies" })]);
  });

  it("is idempotent: a second run finds nothing and changes nothing", async () => {
    const w = await world();
    await deleteAccountData({ dc: s.admin, db: s.store }, w.victim);
    const before = await s.db.query(
      `SELECT uid, follower_count, following_count, post_count FROM "user" ORDER BY uid`,
    );
    const again = await deleteAccountData({ dc: s.admin, db: s.store }, w.victim);
    expect(again.accountDeleted).toBe(false);
    expect(Object.values(again.rows).every((count) => count === 0)).toBe(true);
    expect(
      await s.db.query(`SELECT uid, follower_count, following_count, post_count FROM "user" ORDER BY uid`),
    ).toEqual(before);
  });

  it("the account's writes after its deletion fail: nothing of it comes back", async () => {
    const w = await world();
    await deleteAccountData({ dc: s.admin, db: s.store }, w.victim);
    for (const [operation, variables] of [
      ["CreatePost", { content: "I am back" }],
      ["Follow", { uid: w.idol }],
      ["LikePost", { post: w.idolPost }],
      ["BookmarkPost", { post: w.idolPost }],
      ["AddComment", { post: w.idolPost, content: "back" }],
    ] as const)
      expect(
        (await s.as(w.victim, "mutation", operation, variables)).errors?.length,
        operation,
      ).toBeGreaterThan(0);
    expect(await leftovers(w.victim)).toEqual([]);
  });

  it("refuses to delete the placeholder account", async () => {
    await expect(purgeAccountData(s.admin, "~deleted", { retry: { attempts: 1 } })).rejects.toThrow(
      /placeholder account cannot be deleted/,
    );
  });
});

describe("account deletion, interrupted and concurrent (postgres)", () => {
  const s = stack("postgres");

  /** An account with `n` of each kind of row, and `n` neighbours following it and followed by it. */
  const busyAccount = async (name: string, n: number) => {
    const victim = `${name}-victim`;
    await s.db.exec(`
      INSERT INTO "user" (uid, display_name) VALUES ('${victim}', 'Victim');
      INSERT INTO "user" (uid, display_name) SELECT '${name}-n' || g, 'N' || g FROM generate_series(1, ${n}) g;`);
    for (let i = 1; i <= n; i++) {
      ok(await s.as(victim, "mutation", "Follow", { uid: `${name}-n${i}` }));
      ok(await s.as(`${name}-n${i}`, "mutation", "Follow", { uid: victim }));
      const post = ok<{ post_insert: { id: string } }>(
        await s.as(`${name}-n${i}`, "mutation", "CreatePost", { content: `post ${i}` }),
      ).post_insert.id;
      ok(await s.as(victim, "mutation", "LikePost", { post }));
      ok(await s.as(victim, "mutation", "Reply", { to: post, content: "reply" }));
      ok(await s.as(victim, "mutation", "AddComment", { post, content: "comment" }));
    }
    return victim;
  };

  it("a purge killed halfway leaves exact counters, and the next run completes it", async () => {
    const victim = await busyAccount("killed", 12);
    await s.fns.sweepLikeCountsEveryMinute.run({ scheduleTime: "", jobName: "test" } as never);
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL("./support/purgeChild.ts", import.meta.url)), victim, "2"],
      {
        env: { ...process.env, DATA_CONNECT_EMULATOR_HOST: s.dataConnectHost },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let batches = 0;
    const killed = new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        batches += (chunk.toString().match(/^batch/gm) ?? []).length;
        if (batches >= 3 && child.exitCode === null) child.kill("SIGKILL");
      });
      child.on("exit", () => resolve());
    });
    await killed;
    expect(child.signalCode).toBe("SIGKILL");
    // The engine finishes a request whose client died: wait for the batch in flight (it holds the
    // account's row FOR UPDATE until it commits), so the checks below see where the purge stopped.
    await s.db.query(`SELECT 1 FROM "user" WHERE uid = $1 FOR UPDATE`, [victim]);
    // Halfway: the account is still there, with some of its rows, and every counter is exact.
    const [left] = await s.db.query<{ follows: number; user: number }>(
      `SELECT (SELECT count(*)::int FROM follow WHERE follower_uid = $1 OR followee_uid = $1) AS follows,
              (SELECT count(*)::int FROM "user" WHERE uid = $1) AS "user"`,
      [victim],
    );
    expect(left!.user).toBe(1);
    expect(left!.follows).toBeGreaterThan(0);
    expect(left!.follows).toBeLessThan(24);
    await s.fns.sweepLikeCountsEveryMinute.run({ scheduleTime: "", jobName: "test" } as never);
    expect(await counterDrift(s.db)).toEqual([]);
    // The retry (the trigger's redelivery) finishes the job.
    const report = await deleteAccountData({ dc: s.admin, db: s.store }, victim);
    expect(report.accountDeleted).toBe(true);
    expect(await counterDrift(s.db)).toEqual([]);
    const [gone] = await s.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM follow WHERE follower_uid = $1 OR followee_uid = $1)
            + (SELECT count(*) FROM "like" WHERE user_uid = $1) + (SELECT count(*) FROM post WHERE author_uid = $1)
            + (SELECT count(*) FROM comment WHERE author_uid = $1) + (SELECT count(*) FROM "user" WHERE uid = $1) AS n`,
      [victim],
    );
    expect(Number(gone!.n)).toBe(0);
  });

  it("an account that keeps acting while it is deleted ends with nothing left and exact counters", async () => {
    const victim = await busyAccount("busy", 8);
    const targets = Array.from({ length: 8 }, (_, i) => `busy-n${i + 1}`);
    let stop = false;
    const acting = (async () => {
      let i = 0;
      while (!stop) {
        const target = targets[i++ % targets.length]!;
        await Promise.all([
          s.as(victim, "mutation", "Follow", { uid: target }),
          s.as(victim, "mutation", "CreatePost", { content: "still here" }),
          s.as(target, "mutation", "Follow", { uid: victim }),
          s.as(victim, "mutation", "Unfollow", { uid: target }),
        ]);
      }
    })();
    // Two deletions at once too (the trigger and the callable): they take turns on the account's row.
    await Promise.all([
      purgeAccountData(s.admin, victim, { batch: 2 }),
      purgeAccountData(s.admin, victim, { batch: 3 }),
    ]);
    stop = true;
    await acting;
    await s.fns.sweepLikeCountsEveryMinute.run({ scheduleTime: "", jobName: "test" } as never);
    const [left] = await s.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM follow WHERE follower_uid = $1 OR followee_uid = $1)
            + (SELECT count(*) FROM post WHERE author_uid = $1) + (SELECT count(*) FROM "user" WHERE uid = $1) AS n`,
      [victim],
    );
    expect(Number(left!.n)).toBe(0);
    expect(await counterDrift(s.db)).toEqual([]);
  });
});
