// Pages of the operations that answer post cards (HomeFeed, GlobalFeed, AuthorFeed, MyBookmarks). Their
// rows come from native SQL, so they are validated with the schemas the Data Connect client helper owns
// (dataconnect/client/feed.ts); a page's cursor is its last row's (time, id), the keyset they page by.
import { z } from "zod";
import { BookmarkItem, type EmbeddedPost, FeedItem } from "../../../dataconnect/client/feed.ts";

export type { EmbeddedPost };
export { BookmarkItem, FeedItem };

/** Where the next page starts: the variables the feed operations take (search results: and the rank). */
export interface FeedCursor {
  beforeTime: string;
  beforeId: string;
  beforeRank?: string;
}

/** The cursor of the first page: before the end of time. */
export const FIRST_PAGE: FeedCursor = {
  beforeTime: "9999-12-31T23:59:59Z",
  beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
};

/** A validated page and where the next one starts (null when this one was the last). */
export interface FeedPage<Item extends FeedItem = FeedItem> {
  items: Item[];
  next: FeedCursor | null;
}

/** Validates a feed operation's `_select` rows; a page shorter than `limit` is the last one. */
export function feedPage(rows: unknown, limit: number): FeedPage {
  const items = z.array(FeedItem).parse(rows ?? []);
  const last = items.at(-1);
  return {
    items,
    next: last && items.length >= limit ? { beforeTime: last.createdAt, beforeId: last.id } : null,
  };
}

/** Validates a MyBookmarks page; it is paged by when each post was bookmarked, newest first. */
export function bookmarkPage(rows: unknown, limit: number): FeedPage<BookmarkItem> {
  const items = z.array(BookmarkItem).parse(rows ?? []);
  const last = items.at(-1);
  return {
    items,
    next: last && items.length >= limit ? { beforeTime: last.bookmarkedAt, beforeId: last.id } : null,
  };
}

/** Whether `a` comes before `b` in a newest-first feed, by (createdAt, id); `b` null: an empty feed. */
export function isNewer(
  a: Pick<FeedItem, "createdAt" | "id">,
  b: Pick<FeedItem, "createdAt" | "id"> | null,
): boolean {
  if (!b) return true;
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
}

/** All items of loaded pages in order, without an item twice (a post may move between pages). */
export function flattenPages<Item extends FeedItem>(pages: readonly FeedPage<Item>[]): Item[] {
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const page of pages) {
    for (const item of page.items) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
  }
  return items;
}
