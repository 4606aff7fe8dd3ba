// The thread's lists (PostReplies, PostComments) are native SQL paged oldest first by the keyset
// (createdAt, id); this module validates their rows and builds the next page's variables.
import { z } from "zod";
import { FeedItem } from "../feed/page.ts";

/** Where an oldest-first page starts: after this (createdAt, id). */
export interface AfterCursor {
  afterTime: string;
  afterId: string;
}

/** The cursor of the first oldest-first page: after the beginning of time. */
export const FIRST_AFTER: AfterCursor = {
  afterTime: "1970-01-01T00:00:00Z",
  afterId: "00000000-0000-0000-0000-000000000000",
};

const hexId = z.string().regex(/^[0-9a-f]{32}$/);
const timestamp = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

/**
 * A comment as PostComments answers it. A deleted comment is listed only while it has answers, as a
 * tombstone: no text, no author.
 */
export const CommentRow = z.object({
  id: hexId,
  parentId: hexId.nullable(),
  content: z.string(),
  createdAt: timestamp,
  deletedAt: timestamp.nullable(),
  authorUid: z.string().nullable(),
  authorUsername: z.string().nullable(),
  authorDisplayName: z.string().nullable(),
  authorAvatarUrl: z.string().nullable(),
  answerCount: z.number().int().nonnegative(),
});
export type CommentRow = z.infer<typeof CommentRow>;

/** A validated oldest-first page and the cursor of the next one (null when this one was not full). */
export interface AscendingPage<Row> {
  items: Row[];
  next: AfterCursor | null;
}

function ascendingPage<Row extends { id: string; createdAt: string }>(
  schema: z.ZodType<Row>,
  rows: unknown,
  limit: number,
): AscendingPage<Row> {
  const items = z.array(schema).parse(rows ?? []);
  const last = items.at(-1);
  return {
    items,
    next: last && items.length >= limit ? { afterTime: last.createdAt, afterId: last.id } : null,
  };
}

/** Validates a PostReplies page (post cards). */
export function repliesPage(rows: unknown, limit: number): AscendingPage<FeedItem> {
  return ascendingPage(FeedItem, rows, limit);
}

/** Validates a PostComments page (one level of comments). */
export function commentsPage(rows: unknown, limit: number): AscendingPage<CommentRow> {
  return ascendingPage(CommentRow, rows, limit);
}
