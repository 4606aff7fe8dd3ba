// Pages of the feed operations (HomeFeed, GlobalFeed, AuthorFeed). Their rows come from native SQL, so
// they are validated with the schema the Data Connect client helper owns (dataconnect/client/feed.ts);
// a page's cursor is its last row's (createdAt, id), the keyset the operations page by.
import { z } from "zod";
import { FeedItem } from "../../../dataconnect/client/feed.ts";

export type { FeedItem };

/** Where the next page starts: the variables the feed operations take. */
export interface FeedCursor {
  beforeTime: string;
  beforeId: string;
}

/** The cursor of the first page: before the end of time. */
export const FIRST_PAGE: FeedCursor = {
  beforeTime: "9999-12-31T23:59:59Z",
  beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
};

/** A validated page and where the next one starts (null when this one was the last). */
export interface FeedPage {
  items: FeedItem[];
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

/** All items of loaded pages in order, without an item twice (a post may move between pages). */
export function flattenPages(pages: readonly FeedPage[]): FeedItem[] {
  const seen = new Set<string>();
  const items: FeedItem[] = [];
  for (const page of pages) {
    for (const item of page.items) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
  }
  return items;
}
