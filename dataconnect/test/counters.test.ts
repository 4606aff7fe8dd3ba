import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchedSettler } from "../../functions/src/counters/batchedSettler.ts";
import { LIKE_OPERATIONS, likedPost } from "../../functions/src/counters/likeCounts.ts";
import type { MutationExecutedEvent } from "../../packages/dataconnect-emulator/src/engine/events.ts";
import { ok, type Social, social } from "./support.ts";

// A seeded PRNG keeps the "random" workload the same on every run (mulberry32).
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("counters under a randomized concurrent workload", () => {
  let s: Social;
  const settler = new BatchedSettler(
    async (posts) => {
      ok(
        await s.service.executeConnector({
          connector: "social",
          operationName: "SettleLikeCounts",
          variables: { posts },
          kind: "mutation",
          caller: { kind: "admin" },
        }),
      );
    },
    { flushMs: 20 },
  );
  const settlements: Promise<void>[] = [];
  const users = Array.from({ length: 8 }, (_, i) => `u${i}`);

  beforeAll(async () => {
    // The like counter is settled the way the functions do it: from mutation events, in batches.
    s = await social({
      mutationEventSinks: [
        (event: MutationExecutedEvent) => {
          const post = (LIKE_OPERATIONS as readonly string[]).includes(event.operation)
            ? likedPost(event)
            : undefined;
          if (post) settlements.push(settler.add(post));
        },
      ],
    });
    await s.users(...users);
  });
  afterAll(() => s.close());

  it("ends with every counter equal to COUNT(*) of the rows it counts", async () => {
    const rnd = random(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const posts: string[] = [];
    for (const uid of users)
      posts.push(
        ok<{ post_insert: { id: string } }>(await s.mutate(uid, "CreatePost", { content: `hi from ${uid}` }))
          .post_insert.id,
      );
    const comments: { id: string; author: string }[] = [];

    const step = async () => {
      const me = pick(users);
      const other = pick(users);
      const post = pick(posts);
      switch (Math.floor(rnd() * 10)) {
        case 0:
        case 1:
          return s.mutate(me, "Follow", { uid: other });
        case 2:
          return s.mutate(me, "Unfollow", { uid: other });
        case 3:
        case 4:
          return s.mutate(me, "LikePost", { post });
        case 5:
          return s.mutate(me, "UnlikePost", { post });
        case 6: {
          const res = await s.mutate(me, "CreatePost", { content: "more" });
          const id = (res.data?.post_insert as { id: string } | null)?.id;
          if (id) posts.push(id);
          return res;
        }
        case 7:
          return s.mutate(me, "DeletePost", { id: post });
        case 8: {
          const res = await s.mutate(me, "AddComment", { post, content: "nice" });
          const id = (res.data?.comment_insert as { id: string } | null)?.id;
          if (id) comments.push({ id, author: me });
          return res;
        }
        default:
          return comments.length
            ? s.mutate(pick(comments).author, "DeleteComment", { id: pick(comments).id })
            : s.mutate(me, "Block", { uid: other });
      }
    };
    // 400 operations, 16 in flight at a time; many fail on purpose (duplicates, self-follows, deleted posts).
    for (let round = 0; round < 25; round++) await Promise.all(Array.from({ length: 16 }, step));
    await settler.flush();
    await Promise.allSettled(settlements);
    await settler.flush();

    const drift = await s.db.query(`
      SELECT 'user ' || u.uid AS what, u.follower_count AS counter, (SELECT count(*)::int FROM follow f WHERE f.followee_uid = u.uid) AS actual FROM "user" u
      UNION ALL SELECT 'following ' || u.uid, u.following_count, (SELECT count(*)::int FROM follow f WHERE f.follower_uid = u.uid) FROM "user" u
      UNION ALL SELECT 'posts ' || u.uid, u.post_count, (SELECT count(*)::int FROM post p WHERE p.author_uid = u.uid AND p.deleted_at IS NULL) FROM "user" u
      UNION ALL SELECT 'likes ' || s.post_id, s.like_count, (SELECT count(*)::int FROM "like" l WHERE l.post_id = s.post_id) FROM post_stats s
      UNION ALL SELECT 'comments ' || s.post_id, s.comment_count, (SELECT count(*)::int FROM comment c WHERE c.post_id = s.post_id AND c.deleted_at IS NULL) FROM post_stats s`);
    const wrong = drift.filter((r) => r.counter !== r.actual);
    expect(wrong).toEqual([]);
    expect(drift.length).toBeGreaterThan(30);
    const [totals] = await s.db.query<{ follows: number; likes: number }>(
      `SELECT (SELECT count(*)::int FROM follow) AS follows, (SELECT count(*)::int FROM "like") AS likes`,
    );
    // The workload really exercised the counters.
    expect(totals!.follows).toBeGreaterThan(5);
    expect(totals!.likes).toBeGreaterThan(5);
  });

  it("never lets a counter go negative, even when a bug tries", async () => {
    const res = await s.db
      .query(`UPDATE "user" SET follower_count = -1 WHERE uid = 'u0'`)
      .catch((e: Error) => e);
    expect(String(res)).toMatch(/user_counters_not_negative/);
  });
});
