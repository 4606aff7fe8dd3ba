import type { DataConnect } from "firebase-admin/data-connect";
import { BatchedSettler } from "./batchedSettler.ts";

/** The mutations whose events change a post's like count, and where they name the post. */
export const LIKE_OPERATIONS = ["LikePost", "UnlikePost"] as const;

/**
 * Settles PostStat.likeCount for the posts named in like/unlike events: batches of recounts through
 * the admin-only SettleLikeCounts operation. At most `flushMs` (default 200 ms) plus one recount
 * after a like, the count equals COUNT(*) of its like rows.
 */
export function likeCountSettler(
  dataConnect: () => DataConnect,
  options: { flushMs?: number; maxBatch?: number } = {},
): BatchedSettler {
  return new BatchedSettler(async (posts) => {
    await dataConnect().executeMutation("SettleLikeCounts", { posts });
  }, options);
}

/** The post a like/unlike event is about, or undefined for anything else. */
export function likedPost(event: { data?: { payload?: { variables?: unknown } } }): string | undefined {
  const variables = event.data?.payload?.variables as { post?: unknown } | undefined;
  return typeof variables?.post === "string" ? variables.post : undefined;
}
