// Client side of the operations that answer post cards (HomeFeed, GlobalFeed, AuthorFeed, PostThread,
// PostReplies, MyBookmarks): they are native SQL, so their rows are not typed by the schema; this module
// validates them and owns the opaque cursor of the newest-first lists.
import { z } from "zod";

/** Where a feed page ends: the last item's `(createdAt, id)`. Opaque to callers. */
export type FeedCursor = string & { readonly __brand: "FeedCursor" };

const FIRST_PAGE = {
  beforeTime: "9999-12-31T23:59:59Z",
  beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
} as const;

const hexId = z.string().regex(/^[0-9a-f]{32}$/);
const timestamp = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

/** Another post a post refers to (repost or quote), present only when the viewer may see it. */
export const EmbeddedPost = z.object({
  id: hexId,
  content: z.string(),
  visibility: z.enum(["PUBLIC", "FOLLOWERS"]),
  createdAt: timestamp,
  editedAt: timestamp.nullable(),
  authorUid: z.string().min(1),
  authorUsername: z.string().nullable(),
  authorDisplayName: z.string(),
  authorAvatarUrl: z.string().nullable(),
});
export type EmbeddedPost = z.infer<typeof EmbeddedPost>;

/**
 * One post as every post-returning operation answers it (`post_card` in sql/040_visibility.sql):
 * feeds, PostThread, PostReplies, MyBookmarks. References to posts the viewer may not see are null;
 * `kind` still says what the post is.
 */
export const FeedItem = z.object({
  id: hexId,
  kind: z.enum(["POST", "REPLY", "REPOST", "QUOTE"]),
  content: z.string(),
  visibility: z.enum(["PUBLIC", "FOLLOWERS"]),
  createdAt: timestamp,
  editedAt: timestamp.nullable(),
  replyToId: hexId.nullable(),
  repostOfId: hexId.nullable(),
  quoteOfId: hexId.nullable(),
  authorUid: z.string().min(1),
  authorUsername: z.string().nullable(),
  authorDisplayName: z.string(),
  authorAvatarUrl: z.string().nullable(),
  likeCount: z.number().int().nonnegative(),
  commentCount: z.number().int().nonnegative(),
  shareCount: z.number().int().nonnegative(),
  replyCount: z.number().int().nonnegative(),
  likedByMe: z.boolean(),
  bookmarkedByMe: z.boolean(),
  embed: EmbeddedPost.nullable(),
});
export type FeedItem = z.infer<typeof FeedItem>;

/** A post card as PostThread answers it: null when the post is missing, deleted or hidden from the caller. */
export function postCard(row: unknown): FeedItem | null {
  return FeedItem.nullable().parse(row ?? null);
}

/** A bookmark as MyBookmarks answers it: the post card and when the caller bookmarked it. */
export const BookmarkItem = FeedItem.extend({ bookmarkedAt: timestamp });
export type BookmarkItem = z.infer<typeof BookmarkItem>;

/** A validated page of MyBookmarks and the cursor of the next one (its variables: `feedVariables`). */
export function bookmarksPage(rows: unknown, limit = 20): { items: BookmarkItem[]; next: FeedCursor | null } {
  const items = z.array(BookmarkItem).parse(rows);
  const last = items.at(-1);
  return { items, next: last && items.length >= limit ? encodeCursor(last.bookmarkedAt, last.id) : null };
}

/** A validated page and the cursor of the next one (null when this page was not full). */
export interface FeedPage {
  items: FeedItem[];
  next: FeedCursor | null;
}

/** Variables for the page after `cursor` (the first page without one). */
export function feedVariables(
  cursor: FeedCursor | null | undefined,
  limit = 20,
): { beforeTime: string; beforeId: string; limit: number } {
  if (!cursor) return { ...FIRST_PAGE, limit };
  const [beforeTime, beforeId] = decodeCursor(cursor);
  return { beforeTime, beforeId, limit };
}

/** Validates a feed operation's `_select` rows; throws with the offending path on bad data. */
export function feedPage(rows: unknown, limit = 20): FeedPage {
  const items = z.array(FeedItem).parse(rows);
  const last = items.at(-1);
  return { items, next: last && items.length >= limit ? encodeCursor(last.createdAt, last.id) : null };
}

/** The cursor that continues after an item created at `createdAt` with id `id`. */
export function encodeCursor(createdAt: string, id: string): FeedCursor {
  return Buffer.from(`${createdAt}|${id}`, "utf8").toString("base64url") as FeedCursor;
}

function decodeCursor(cursor: FeedCursor): [string, string] {
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!time || !id || !timestamp.safeParse(time).success || !hexId.safeParse(id).success) {
    throw new Error("not a feed cursor");
  }
  return [time, id];
}
