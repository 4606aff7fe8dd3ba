// Follow-count buckets the benchmark measures, and which bucket a planted user belongs to.

/** Planted users follow exactly this many accounts; one table column per bucket. */
export const BUCKETS = [10, 100, 1_000, 5_000] as const;

/** Bucket label for tables: `10`, `100`, `1,000`, `5,000`. */
export function bucketLabel(follows: number): string {
  return follows.toLocaleString("en-US");
}
