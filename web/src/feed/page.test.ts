import { describe, expect, it } from "vitest";
import {
  type FeedCursor,
  type FeedItem,
  type FeedPage,
  FIRST_PAGE,
  feedPage,
  flattenPages,
  isNewer,
} from "./page.ts";

function item(
  n: number,
  createdAt = `2026-01-01T00:00:${String(60 - n).padStart(2, "0")}.000000Z`,
): FeedItem {
  return {
    id: n.toString(16).padStart(32, "0"),
    kind: "POST",
    content: `post ${n}`,
    visibility: "PUBLIC",
    createdAt,
    editedAt: null,
    replyToId: null,
    repostOfId: null,
    quoteOfId: null,
    authorUid: "u1",
    authorUsername: "ada",
    authorDisplayName: "Ada",
    authorAvatarUrl: null,
    likeCount: 0,
    commentCount: 0,
    shareCount: 0,
    replyCount: 0,
    likedByMe: false,
    bookmarkedByMe: false,
    embed: null,
  };
}

/** A server that pages `all` (newest first) by the (createdAt, id) keyset, as the feed operations do. */
function serverPage(all: FeedItem[], cursor: FeedCursor, limit: number): unknown[] {
  const before = (x: FeedItem) =>
    x.createdAt < cursor.beforeTime ||
    (x.createdAt === cursor.beforeTime && x.id < cursor.beforeId.replaceAll("-", ""));
  return all.filter(before).slice(0, limit);
}

describe("feedPage", () => {
  it("continues after the last row of a full page", () => {
    const page = feedPage([item(1), item(2)], 2);
    expect(page.items).toHaveLength(2);
    expect(page.next).toEqual({ beforeTime: item(2).createdAt, beforeId: item(2).id });
  });

  it("ends at a page shorter than the limit", () => {
    expect(feedPage([item(1)], 2).next).toBeNull();
    expect(feedPage([], 2)).toEqual({ items: [], next: null });
  });

  it("treats a missing row list as an empty page", () => {
    expect(feedPage(null, 20)).toEqual({ items: [], next: null });
  });

  it("rejects rows that are not feed items, naming the bad field", () => {
    expect(() => feedPage([{ ...item(1), likeCount: -1 }], 20)).toThrow(/likeCount/);
    expect(() => feedPage([{ ...item(1), id: "not-hex" }], 20)).toThrow(/id/);
  });

  it("walks a whole feed page by page with no gap and no repeat, ties on createdAt included", () => {
    const tie = "2026-01-01T00:00:30.000000Z";
    const all = [1, 2, 3, 4, 5, 6, 7].map((n) => item(n, n >= 3 && n <= 5 ? tie : undefined));
    all.sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
    );
    for (const limit of [1, 2, 3, 7, 10]) {
      const pages: FeedPage[] = [];
      let cursor: FeedCursor | null = FIRST_PAGE;
      while (cursor && pages.length < 20) {
        const page = feedPage(serverPage(all, cursor, limit), limit);
        pages.push(page);
        cursor = page.next;
      }
      expect(
        flattenPages(pages).map((x) => x.id),
        `limit ${limit}`,
      ).toEqual(all.map((x) => x.id));
    }
  });
});

describe("flattenPages", () => {
  it("keeps the first occurrence of a post that moved to a later page", () => {
    const pages = [
      { items: [item(1), item(2)], next: null },
      { items: [item(2), item(3)], next: null },
    ];
    expect(flattenPages(pages).map((x) => x.content)).toEqual(["post 1", "post 2", "post 3"]);
  });
});

describe("isNewer", () => {
  it("orders by time, then by id among posts of the same instant, as the feed's keyset does", () => {
    expect(isNewer(item(1), item(2))).toBe(true); // item(1) is a second later
    expect(isNewer(item(2), item(1))).toBe(false);
    const at = "2026-01-01T00:00:00.000000Z";
    expect(isNewer(item(5, at), item(4, at))).toBe(true);
    expect(isNewer(item(4, at), item(4, at))).toBe(false);
  });

  it("counts any post as newer than an empty feed", () => {
    expect(isNewer(item(1), null)).toBe(true);
  });
});
