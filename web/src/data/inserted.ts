// Reply, Repost, Quote and AddComment answer `{post_insert|comment_insert: {id}}` through native SQL,
// which the generated SDK types as unknown.
import { z } from "zod";

const Inserted = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/) });

/** The id of the row a guarded insert created; throws when the answer has none. */
export function insertedId(answer: unknown): string {
  return Inserted.parse(answer).id;
}
