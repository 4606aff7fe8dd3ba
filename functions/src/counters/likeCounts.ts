import type { DataConnect } from "firebase-admin/data-connect";
import { BatchedSettler } from "./batchedSettler.ts";
import { type RetryPolicy, withRetries } from "./retry.ts";

// Like counts converge two ways, both through the idempotent, transactional SettleLikeCounts
// (dataconnect/connector/counters.gql), which recounts a post and clears the like changes it covered:
// * fast: onLikeAdded/onLikeRemoved batch the posts named in mutation events (one flush every
//   `flushMs`), retry a failed recount with backoff, and acknowledge an event only once the recount
//   that covers it committed; a recount that keeps failing fails the event, which is redelivered;
// * sure: the scheduled sweep settles every post that still has like changes, oldest first, whatever
//   happened to the events (lost, undeliverable, their function killed mid-batch).

/** The mutations whose events change a post's like count, and where they name the post. */
export const LIKE_OPERATIONS = ["LikePost", "UnlikePost"] as const;

/** Settlement tuning; the defaults are what the deployed functions use. */
export interface LikeSettlementOptions {
  /** How long a like waits for others to share its recount (default 200 ms). */
  flushMs?: number;
  /** Posts per recount (default 500). */
  maxBatch?: number;
  /** Retries of a failed recount before the event fails (default: 4 attempts, 100 ms doubling). */
  retry?: RetryPolicy;
}

/** Recounts `posts` through SettleLikeCounts, retrying with backoff. */
export function settleLikeCounts(dc: DataConnect, posts: string[], retry?: RetryPolicy): Promise<void> {
  return withRetries(async () => {
    await dc.executeMutation("SettleLikeCounts", { posts });
  }, retry);
}

/**
 * Settles PostStat.likeCount for the posts named in like/unlike events, in batches. At most `flushMs`
 * plus one recount (plus retries) after a like, its count is exact.
 */
export function likeCountSettler(
  dataConnect: () => DataConnect,
  options: LikeSettlementOptions = {},
): BatchedSettler {
  return new BatchedSettler((posts) => settleLikeCounts(dataConnect(), posts, options.retry), {
    ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
  });
}

/** The post a like/unlike event is about, or undefined for anything else. */
export function likedPost(event: { data?: { payload?: { variables?: unknown } } }): string | undefined {
  const variables = event.data?.payload?.variables as { post?: unknown } | undefined;
  return typeof variables?.post === "string" ? variables.post : undefined;
}

/** What one sweep did. */
export interface SweepReport {
  /** Posts recounted. */
  posts: number;
  /** Recounts (SettleLikeCounts calls) that committed. */
  batches: number;
  /** Whether pending changes were left because the time budget ran out. */
  unfinished: boolean;
}

/**
 * Settles every post whose likes changed since its last settlement (rows in `like_change`), oldest
 * change first, `batch` posts per recount, until none is left or `budgetMs` is spent. Each batch
 * commits on its own: a sweep killed mid-batch loses only that batch's work, whose changes stay
 * pending for the next sweep.
 */
export async function sweepLikeCounts(
  dc: DataConnect,
  options: {
    batch?: number;
    budgetMs?: number;
    retry?: RetryPolicy;
    onBatch?: (posts: string[]) => void;
  } = {},
): Promise<SweepReport> {
  const batch = options.batch ?? 500;
  const deadline = Date.now() + (options.budgetMs ?? 50_000);
  const report: SweepReport = { posts: 0, batches: 0, unfinished: false };
  for (;;) {
    const { data } = await withRetries(
      () =>
        dc.executeQuery<{ pending: { post: string }[] }, { limit: number }>("PendingLikeSettlements", {
          limit: batch,
        }),
      options.retry,
    );
    const posts = data.pending.map((p) => p.post);
    if (posts.length === 0) return report;
    await settleLikeCounts(dc, posts, options.retry);
    report.posts += posts.length;
    report.batches++;
    options.onBatch?.(posts);
    if (posts.length < batch) return report;
    if (Date.now() >= deadline) return { ...report, unfinished: true };
  }
}
