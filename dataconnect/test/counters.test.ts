// Every counter under randomized concurrent workloads, on PGlite and on a PostgreSQL server (where the
// pool runs up to 16 operations truly at once): after the dust settles, each counter equals COUNT(*)
// of the live rows it counts. Each workload mixes the operations that move one counter with the races
// that used to break it: the same delete sent many times at once, repost/delete cycles, follow/unfollow
// storms.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchedSettler } from "../../functions/src/counters/batchedSettler.ts";
import { LIKE_OPERATIONS, likedPost } from "../../functions/src/counters/likeCounts.ts";
import type { MutationExecutedEvent } from "../../packages/dataconnect-emulator/src/engine/events.ts";
import { counterDrift } from "./support/counters.ts";
import { BACKENDS, ok, type Social, social } from "./support.ts";

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

describe.each(BACKENDS)("counters under randomized concurrent workloads (%s)", (backend) => {
  let s: Social;
  const settlements: Promise<void>[] = [];
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
    { flushMs: 10 },
  );
  const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const id = (res: { data?: unknown }, field: string) =>
    ((res.data as Record<string, { id?: string } | null> | null)?.[field]?.id ?? null) as string | null;

  // PGlite has one connection, so nothing there really runs at once: half the work checks the logic,
  // the server's full workload checks the races.
  const scale = backend === "pglite" ? 0.5 : 1;
  /** Runs `ops` operations from `step`, `inFlight` at a time; many fail on purpose. */
  const workload = async (ops: number, inFlight: number, step: () => Promise<unknown>) => {
    for (let done = 0; done < ops * scale; done += inFlight)
      await Promise.all(Array.from({ length: inFlight }, step));
  };
  /** Sends the same operation `times` times at once; returns how many succeeded. */
  const storm = async (times: number, op: () => Promise<{ errors?: unknown[] }>) =>
    (await Promise.all(Array.from({ length: times }, op))).filter((r) => !r.errors?.length).length;

  beforeAll(async () => {
    // Likes are settled the way the functions do it: from mutation events, in batches.
    s = await social({
      backend,
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

  const newPost = async (uid: string, content = `hi from ${uid}`) =>
    ok<{ post_insert: { id: string } }>(await s.mutate(uid, "CreatePost", { content })).post_insert.id;

  it("comment counts: concurrent comments, answers and the same delete sent ten times at once", async () => {
    const posts = await Promise.all(users.slice(0, 3).map((u) => newPost(u)));
    const comments: { id: string; author: string }[] = [];
    let doubleDeletes = 0;
    await workload(240, 12, async () => {
      const me = pick(users);
      const post = pick(posts);
      const roll = rnd();
      if (roll < 0.5 || comments.length === 0) {
        const parent = rnd() < 0.3 && comments.length ? pick(comments).id : undefined;
        const res = await s.mutate(me, "AddComment", { post, content: "nice", parent });
        const cid = id(res, "comment_insert");
        if (cid) comments.push({ id: cid, author: me });
        return;
      }
      const victim = pick(comments);
      if (roll < 0.7) {
        // The same delete, ten times at once: exactly one may count.
        const succeeded = await storm(10, () => s.mutate(victim.author, "DeleteComment", { id: victim.id }));
        expect(succeeded).toBeLessThanOrEqual(1);
        doubleDeletes++;
        return;
      }
      return s.mutate(victim.author, "DeleteComment", { id: victim.id });
    });
    expect(doubleDeletes).toBeGreaterThan(5);
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("reply and post counts: concurrent replies and double deletes of replies", async () => {
    const posts = await Promise.all(users.slice(0, 3).map((u) => newPost(u)));
    const replies: { id: string; author: string }[] = [];
    await workload(240, 12, async () => {
      const me = pick(users);
      if (rnd() < 0.55 || replies.length === 0) {
        const res = await s.mutate(me, "Reply", { to: pick(posts), content: "a reply" });
        const rid = id(res, "post_insert");
        if (rid) replies.push({ id: rid, author: me });
        return;
      }
      const victim = pick(replies);
      const succeeded = await storm(rnd() < 0.5 ? 6 : 1, () =>
        s.mutate(victim.author, "DeletePost", { id: victim.id }),
      );
      expect(succeeded).toBeLessThanOrEqual(1);
    });
    expect(await counterDrift(s.db)).toEqual([]);
    const [row] = await s.db.query<{ live: number }>(
      `SELECT count(*)::int AS live FROM post WHERE reply_to_id IS NOT NULL AND deleted_at IS NULL`,
    );
    expect(row!.live).toBeGreaterThan(5);
  });

  it("share counts: repost/delete cycles and quotes, with concurrent reposts of one post by one user", async () => {
    const original = await newPost("u0", "share me");
    const other = await newPost("u1", "share me too");
    await workload(240, 12, async () => {
      const me = pick(users);
      const post = pick([original, other]);
      const roll = rnd();
      if (roll < 0.2) return s.mutate(me, "Quote", { of: post, content: "look" });
      // A repost/delete cycle, with the repost sent three times at once (one live repost at most).
      const reposted = await Promise.all([1, 2, 3].map(() => s.mutate(me, "Repost", { of: post })));
      const ids = reposted.map((r) => id(r, "post_insert")).filter((x): x is string => x !== null);
      expect(ids.length).toBeLessThanOrEqual(1);
      if (ids[0] && roll < 0.8) {
        const succeeded = await storm(4, () => s.mutate(me, "DeletePost", { id: ids[0] }));
        expect(succeeded).toBe(1);
      }
    });
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("post counts: concurrent posts and the same post deleted several times at once", async () => {
    const mine: { id: string; author: string }[] = [];
    await workload(200, 10, async () => {
      const me = pick(users);
      if (rnd() < 0.5 || mine.length === 0) {
        mine.push({ id: await newPost(me, "another"), author: me });
        return;
      }
      const victim = pick(mine);
      await storm(5, () => s.mutate(victim.author, "DeletePost", { id: victim.id }));
    });
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("follow counts: follow/unfollow storms and blocks", async () => {
    await workload(300, 12, async () => {
      const me = pick(users);
      const other = pick(users);
      const roll = rnd();
      if (roll < 0.4) return storm(3, () => s.mutate(me, "Follow", { uid: other }));
      if (roll < 0.8) return storm(3, () => s.mutate(me, "Unfollow", { uid: other }));
      if (roll < 0.9) return s.mutate(me, "Block", { uid: other });
      return s.mutate(me, "Unblock", { uid: other });
    });
    expect(await counterDrift(s.db)).toEqual([]);
    const [row] = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM follow`);
    expect(row!.n).toBeGreaterThan(3);
  });

  it("two accounts following and unfollowing each other at the same moment never deadlock", async () => {
    const pairs = [
      ["m0", "m1"],
      ["m2", "m3"],
      ["m4", "m5"],
      ["m6", "m7"],
    ] as const;
    await s.users(...pairs.flat());
    for (let round = 0; round < 10 * scale; round++) {
      for (const op of ["Follow", "Unfollow"] as const) {
        const answers = await Promise.all(
          pairs.flatMap(([a, b]) => [s.mutate(a, op, { uid: b }), s.mutate(b, op, { uid: a })]),
        );
        // Each call has its own pair row to change, so each must succeed: no "deadlock detected".
        expect(answers.flatMap((res) => res.errors ?? [])).toEqual([]);
      }
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("like counts: concurrent likes and unlikes settle exact from their events", async () => {
    const posts = await Promise.all(users.slice(0, 4).map((u) => newPost(u)));
    await workload(300, 12, async () => {
      const me = pick(users);
      const post = pick(posts);
      return rnd() < 0.6
        ? storm(2, () => s.mutate(me, "LikePost", { post }))
        : storm(2, () => s.mutate(me, "UnlikePost", { post }));
    });
    await settler.flush();
    await Promise.allSettled(settlements);
    await settler.flush();
    expect(await counterDrift(s.db)).toEqual([]);
    const [row] = await s.db.query<{ likes: number; pending: number }>(
      `SELECT (SELECT count(*)::int FROM "like") AS likes, (SELECT count(*)::int FROM like_change) AS pending`,
    );
    expect(row!.likes).toBeGreaterThan(5);
    expect(row!.pending).toBe(0);
  });

  it("every counter at once: a mixed workload of all the operations above", async () => {
    const posts = await Promise.all(users.map((u) => newPost(u)));
    const comments: { id: string; author: string }[] = [];
    await workload(400, 16, async () => {
      const me = pick(users);
      const post = pick(posts);
      switch (Math.floor(rnd() * 10)) {
        case 0:
          return s.mutate(me, "Follow", { uid: pick(users) });
        case 1:
          return s.mutate(me, "Unfollow", { uid: pick(users) });
        case 2:
          return s.mutate(me, "LikePost", { post });
        case 3:
          return s.mutate(me, "UnlikePost", { post });
        case 4: {
          const res = await s.mutate(me, "Reply", { to: post, content: "re" });
          const rid = id(res, "post_insert");
          if (rid) posts.push(rid);
          return;
        }
        case 5:
          return s.mutate(me, "Repost", { of: post });
        case 6:
          return storm(3, () => s.mutate(me, "DeletePost", { id: post }));
        case 7: {
          const res = await s.mutate(me, "AddComment", { post, content: "nice" });
          const cid = id(res, "comment_insert");
          if (cid) comments.push({ id: cid, author: me });
          return;
        }
        case 8: {
          if (!comments.length) return;
          const c = pick(comments);
          return storm(3, () => s.mutate(c.author, "DeleteComment", { id: c.id }));
        }
        default:
          return s.mutate(me, "Quote", { of: post, content: "q" });
      }
    });
    await settler.flush();
    await Promise.allSettled(settlements);
    await settler.flush();
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("refuses any counter below zero, even when a bug tries", async () => {
    const post = await newPost("u0", "for the constraint");
    for (const column of ["like_count", "comment_count", "share_count", "reply_count"]) {
      const res = await s.db
        .query(`UPDATE post_stats SET ${column} = -1 WHERE post_id = $1`, [post])
        .catch((e: Error) => e);
      expect(String(res), column).toMatch(/post_stats_counters_not_negative/);
    }
    for (const column of ["follower_count", "following_count", "post_count"]) {
      const res = await s.db
        .query(`UPDATE "user" SET ${column} = -1 WHERE uid = 'u0'`)
        .catch((e: Error) => e);
      expect(String(res), column).toMatch(/user_counters_not_negative/);
    }
  });
});
