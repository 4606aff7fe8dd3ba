import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FeedCursor, type FeedItem, feedPage, feedVariables } from "../client/feed.ts";
import { ok, type Social, social } from "./support.ts";

interface Row {
  id: string;
  author: string;
  at: string;
  deleted: boolean;
  visibility: "PUBLIC" | "FOLLOWERS";
  replyTo: string | null;
}

describe("feeds", () => {
  let s: Social;
  const rows: Row[] = [];

  beforeAll(async () => {
    s = await social();
    await s.users("me", "pal", "star", "noisy", "rude", "stranger", "fan");
    for (const uid of ["pal", "star", "noisy", "rude"]) ok(await s.mutate("me", "Follow", { uid }));
    ok(await s.mutate("fan", "Follow", { uid: "me" }));
    ok(await s.mutate("me", "Mute", { uid: "noisy" }));
    // `rude` blocks me after I followed: the block removes the follow; the post table still has rude's posts.
    ok(await s.mutate("rude", "Block", { uid: "me" }));
    // 60 posts over the authors; some share a timestamp so the id tie-break matters.
    const authors = ["me", "pal", "star", "noisy", "rude", "stranger"];
    for (let i = 0; i < 60; i++) {
      const author = authors[i % authors.length]!;
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(i / 3))).toISOString();
      const [row] = await s.db.query<{ id: string }>(
        `INSERT INTO post (author_uid, content, created_at, deleted_at, visibility, reply_to_id)
         VALUES ($1, $2, $3, $4, $5, NULL) RETURNING replace(id::text, '-', '') AS id`,
        [author, `post ${i}`, at, i % 11 === 0 ? at : null, i % 7 === 0 ? "FOLLOWERS" : "PUBLIC"],
      );
      rows.push({
        id: row!.id,
        author,
        at,
        deleted: i % 11 === 0,
        visibility: i % 7 === 0 ? "FOLLOWERS" : "PUBLIC",
        replyTo: null,
      });
    }
  });
  afterAll(() => s.close());

  const newestFirst = (a: Row, b: Row) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1);

  async function allPages(
    operation: string,
    uid: string,
    limit: number,
    extra: Record<string, unknown> = {},
  ): Promise<FeedItem[]> {
    const items: FeedItem[] = [];
    let cursor: FeedCursor | null = null;
    for (let page = 0; page < 500; page++) {
      const data = ok<{ _select: unknown }>(
        await s.query(uid, operation, { ...feedVariables(cursor, limit), ...extra }),
      );
      const result = feedPage(data._select, limit);
      items.push(...result.items);
      if (!result.next) return items;
      cursor = result.next;
    }
    throw new Error("feed did not end");
  }

  it("home feed: all pages concatenated are exactly my and my followees' live posts, strictly newest first", async () => {
    const expected = rows
      .filter((r) => !r.deleted && ["me", "pal", "star"].includes(r.author))
      .sort(newestFirst)
      .map((r) => r.id);
    for (const limit of [1, 4, 7, 50]) {
      const items = await allPages("HomeFeed", "me", limit);
      expect(items.map((i) => i.id)).toEqual(expected);
    }
  });

  /** Sets the home feed's walk threshold (authors) and budget (entries) for `fn`, then restores both. */
  async function withWalk(threshold: number, budget: number, fn: () => Promise<void>): Promise<void> {
    const set = (name: string, n: number) =>
      s.db.query(`CREATE OR REPLACE FUNCTION ${name}() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT ${n}'`);
    await set("home_feed_walk_threshold", threshold);
    await set("home_feed_walk_budget", budget);
    try {
      await fn();
    } finally {
      await set("home_feed_walk_threshold", 1001);
      await set("home_feed_walk_budget", 10_000);
    }
  }

  it("home feed gives the same exact pages on its time-walk plan (viewers following 1,000+ accounts)", async () => {
    const heads = (await allPages("HomeFeed", "me", 7)).map((i) => i.id);
    // The walk is tried from a number of authors on; from one, "me" walks.
    await withWalk(1, 10_000, async () => {
      for (const limit of [1, 7, 50])
        expect((await allPages("HomeFeed", "me", limit)).map((i) => i.id)).toEqual(heads);
    });
  });

  it("home feed gives the same exact pages when its time walk runs out of budget and asks each followee", async () => {
    const heads = (await allPages("HomeFeed", "me", 7)).map((i) => i.id);
    // Budgets from one entry (the walk finds at most one post and the heads serve the page) to more than
    // the table (the walk alone serves every page); cursors land inside and past the walk.
    for (const walk of [1, 2, 3, 5, 11, 1000]) {
      await withWalk(1, walk, async () => {
        for (const limit of [1, 7, 50])
          expect((await allPages("HomeFeed", "me", limit)).map((i) => i.id)).toEqual(heads);
      });
    }
  });

  it("home feed of a heavy viewer whose followee never posts is exactly their own posts, past the walk", async () => {
    // `stranger` follows only `fan`, who never posts; with a walk of 2 entries the rest comes from the
    // authors' heads (fan has none).
    ok(await s.mutate("stranger", "Follow", { uid: "fan" }));
    try {
      const expected = rows
        .filter((r) => !r.deleted && r.author === "stranger")
        .sort(newestFirst)
        .map((r) => r.id);
      await withWalk(1, 2, async () => {
        for (const limit of [1, 7, 50])
          expect((await allPages("HomeFeed", "stranger", limit)).map((i) => i.id)).toEqual(expected);
      });
    } finally {
      ok(await s.mutate("stranger", "Unfollow", { uid: "fan" }));
    }
  });

  it("home feed is exact for a viewer whose followees post at very different rates, on every path", async () => {
    // 30 authors: every fifth never posts, the others post k times at times spread over a year (so the
    // newest heads belong to a few authors and many have one old post); some heads are tombstoned, so an
    // author's newest post is not always live. Pages must not depend on which authors lead.
    const authors = Array.from({ length: 30 }, (_, k) => `rate${k}`);
    await s.users(...authors, "reader");
    const expected: Row[] = [];
    for (const [k, author] of authors.entries()) {
      ok(await s.mutate("reader", "Follow", { uid: author }));
      const posts = k % 5 === 0 ? 0 : k % 3 === 0 ? 1 : k;
      for (let j = 0; j < posts; j++) {
        const at = new Date(
          Date.UTC(2025, 0, 1) + ((k * 7919 + j * 104_729) % 360) * 86_400_000,
        ).toISOString();
        const deleted = j === posts - 1 && k % 4 === 1;
        const [row] = await s.db.query<{ id: string }>(
          `INSERT INTO post (author_uid, content, created_at, deleted_at) VALUES ($1, $2, $3, $4)
           RETURNING replace(id::text, '-', '') AS id`,
          [author, `${author} ${j}`, at, deleted ? at : null],
        );
        if (!deleted)
          expected.push({ id: row!.id, author, at, deleted, visibility: "PUBLIC", replyTo: null });
      }
    }
    const want = expected.sort(newestFirst).map((r) => r.id);
    expect(want.length).toBeGreaterThan(100);
    try {
      for (const [threshold, budget] of [
        [1_000_000, 10_000], // heads only
        [1, 10_000], // the walk serves every page
        [1, 3], // the walk falls short; the heads serve the page
      ] as const) {
        await withWalk(threshold, budget, async () => {
          for (const limit of [2, 3, 20, 50])
            expect((await allPages("HomeFeed", "reader", limit)).map((i) => i.id)).toEqual(want);
        });
      }
    } finally {
      // The other tests' feeds are the fixture's posts only.
      await s.db.query(`DELETE FROM post WHERE author_uid LIKE 'rate%'`);
    }
  });

  it("home feed pages are full until the last one, so filtering never shortens a page", async () => {
    const data = ok<{ _select: unknown[] }>(await s.query("me", "HomeFeed", feedVariables(null, 5)));
    expect(data._select).toHaveLength(5);
  });

  it("home feed leaves out muted authors, blockers, strangers and tombstones", async () => {
    const items = await allPages("HomeFeed", "me", 10);
    const authors = new Set(items.map((i) => i.authorUid));
    expect([...authors].sort()).toEqual(["me", "pal", "star"]);
    expect(items.every((i) => i.content !== "")).toBe(true);
  });

  it("home feed items carry author, counters and my like/bookmark state", async () => {
    const first = (await allPages("HomeFeed", "me", 50))[0]!;
    ok(await s.mutate("me", "LikePost", { post: first.id }));
    ok(await s.mutate("me", "BookmarkPost", { post: first.id }));
    const again = (await allPages("HomeFeed", "me", 50))[0]!;
    expect(again).toMatchObject({
      id: first.id,
      likedByMe: true,
      bookmarkedByMe: true,
      authorDisplayName: first.authorUid,
    });
  });

  it("global feed: every public live top-level post but blocked and muted authors'", async () => {
    const expected = rows
      .filter((r) => !r.deleted && r.visibility === "PUBLIC" && !["noisy", "rude"].includes(r.author))
      .sort(newestFirst)
      .map((r) => r.id);
    expect((await allPages("GlobalFeed", "me", 6)).map((i) => i.id)).toEqual(expected);
  });

  it("author feed: followers-only posts only for followers and the author; nothing across a block", async () => {
    const stars = rows.filter((r) => r.author === "star" && !r.deleted).sort(newestFirst);
    expect((await allPages("AuthorFeed", "me", 4, { uid: "star" })).map((i) => i.id)).toEqual(
      stars.map((r) => r.id),
    );
    expect((await allPages("AuthorFeed", "stranger", 4, { uid: "star" })).map((i) => i.id)).toEqual(
      stars.filter((r) => r.visibility === "PUBLIC").map((r) => r.id),
    );
    expect(await allPages("AuthorFeed", "me", 4, { uid: "rude" })).toEqual([]);
  });

  it("a post created between two page reads appears on no later page and shifts nothing", async () => {
    const first = ok<{ _select: unknown }>(await s.query("me", "HomeFeed", feedVariables(null, 3)));
    const page1 = feedPage(first._select, 3);
    ok(await s.mutate("pal", "CreatePost", { content: "breaking news" }));
    const second = feedPage(
      ok<{ _select: unknown }>(await s.query("me", "HomeFeed", feedVariables(page1.next, 3)))._select,
      3,
    );
    expect(second.items.map((i) => i.content)).not.toContain("breaking news");
    expect(new Set([...page1.items, ...second.items].map((i) => i.id)).size).toBe(6);
  });

  it("the client helper rejects a forged cursor and malformed rows", () => {
    expect(() => feedVariables("bm90IGEgY3Vyc29y" as FeedCursor)).toThrow("not a feed cursor");
    expect(() => feedPage([{ id: "x" }])).toThrow();
  });
});
