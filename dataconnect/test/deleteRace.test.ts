// Interactions racing a delete, forced step by step on the PostgreSQL server (two connections): the
// delete holds the post's row lock and has tombstoned it but not committed; an interaction arrives,
// waits on the lock (interactable_post's KEY SHARE), and once the delete commits it must see the
// tombstone and write nothing, not land on the deleted post.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Social, social } from "./support.ts";

describe("interactions racing a delete (postgres)", () => {
  let s: Social;
  beforeAll(async () => {
    s = await social({ backend: "postgres" });
    await s.users("ann", "bob");
  });
  afterAll(() => s.close());

  const INTERACTIONS: [string, (post: string) => Record<string, unknown>][] = [
    ["LikePost", (post) => ({ post })],
    ["BookmarkPost", (post) => ({ post })],
    ["Reply", (to) => ({ to, content: "too late" })],
    ["Quote", (of) => ({ of, content: "too late" })],
    ["Repost", (of) => ({ of })],
    ["AddComment", (post) => ({ post, content: "too late" })],
  ];

  for (const [operation, variables] of INTERACTIONS) {
    it(`${operation} waiting on a delete sees the tombstone once it commits, and writes nothing`, async () => {
      const post = ok<{ post_insert: { id: string } }>(
        await s.mutate("ann", "CreatePost", { content: "going" }),
      ).post_insert.id;
      const counts = () =>
        s.db.query(`SELECT (SELECT count(*)::int FROM "like") AS likes, (SELECT count(*)::int FROM bookmark) AS bookmarks,
          (SELECT count(*)::int FROM comment) AS comments, (SELECT count(*)::int FROM post) AS posts`);
      const before = await counts();
      const { attempt } = await s.db.transaction(async (del) => {
        // What DeletePost does, held open: the row locked FOR UPDATE and tombstoned.
        await del.query(`SELECT id FROM post WHERE id = $1 FOR UPDATE`, [post]);
        await del.query(`UPDATE post SET content = '', deleted_at = now() WHERE id = $1`, [post]);
        const attempt = s.mutate("bob", operation, variables(post));
        for (let i = 0; i < 200; i++) {
          const [row] = await s.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          if (row!.n > 0) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        return { attempt };
      });
      const res = await attempt;
      expect(
        res.errors?.map((e) => e.message),
        operation,
      ).toEqual(expect.arrayContaining([expect.stringMatching(/that post does not exist/)]));
      expect(await counts()).toEqual(before);
    });
  }
});
