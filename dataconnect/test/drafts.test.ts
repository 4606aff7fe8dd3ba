// PublishPost: one post per (author, key), however many calls race, on PGlite and on a PostgreSQL
// server (where the calls really run at once).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, ok, type Social, social } from "./support.ts";

const KEY = "draft1:0123456789abcdef";

describe.each(BACKENDS)("PublishPost (%s)", (backend) => {
  let s: Social;
  beforeAll(async () => {
    s = await social({ backend });
    await s.users("ann", "bob");
  });
  afterAll(() => s.close());

  const count = async (sql: string, params: unknown[] = []) =>
    (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

  it("creates one post, one stats row and one postCount step for a key, however many calls race", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => s.mutate("ann", "PublishPost", { key: KEY, content: "once" })),
    );
    const posts = results.map((r) => ok<{ post: { id: string; created: boolean } }>(r).post);
    expect(new Set(posts.map((p) => p.id)).size).toBe(1);
    expect(posts.filter((p) => p.created)).toHaveLength(1);
    expect(await count(`post WHERE author_uid = 'ann'`)).toBe(1);
    expect(await count(`post_stats s JOIN post p ON p.id = s.post_id WHERE p.author_uid = 'ann'`)).toBe(1);
    expect(
      (await s.db.query<{ c: number }>(`SELECT post_count AS c FROM "user" WHERE uid = 'ann'`))[0]!.c,
    ).toBe(1);
  });

  it("answers the existing post, unchanged, for a repeat with other text or visibility", async () => {
    const again = ok<{ post: { id: string; created: boolean } }>(
      await s.mutate("ann", "PublishPost", { key: KEY, content: "different", visibility: "FOLLOWERS" }),
    );
    expect(again.post.created).toBe(false);
    const [row] = await s.db.query<{ content: string; visibility: string }>(
      `SELECT content, visibility::text FROM post WHERE author_uid = 'ann'`,
    );
    expect(row).toEqual({ content: "once", visibility: "PUBLIC" });
  });

  it("finds the caller's post by its draft, and nobody else's", async () => {
    const mine = ok<{ post: { id: string } | null }>(
      await s.query("ann", "MyPostFromDraft", { draftId: "draft1" }),
    );
    expect(mine.post).not.toBeNull();
    const theirs = ok<{ post: unknown }>(await s.query("bob", "MyPostFromDraft", { draftId: "draft1" }));
    expect(theirs.post).toBeNull();
    const prefix = ok<{ post: unknown }>(await s.query("ann", "MyPostFromDraft", { draftId: "draft" }));
    expect(prefix.post).toBeNull();
  });

  it("checks the caller's text and key first", async () => {
    const blank = await s.mutate("bob", "PublishPost", { key: KEY, content: " \u2003" });
    expect(blank.errors?.[0]?.message).toContain("a post needs some content");
    const badKey = await s.mutate("bob", "PublishPost", { key: "no key at all", content: "hi" });
    expect(badKey.errors?.[0]?.message).toContain("not a publish key");
    expect(await count(`post WHERE author_uid = 'bob'`)).toBe(0);
  });
});
