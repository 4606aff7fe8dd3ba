import type { DataConnect } from "firebase-admin/data-connect";
import { sweepLikeCounts } from "../counters/likeCounts.ts";
import { type RetryPolicy, withRetries } from "../counters/retry.ts";

/** Rows one PurgeAccount call changed, by kind (dataconnect/connector/account.gql). */
export type PurgeCounts = Record<string, number>;

/** What purging an account's social-graph data did. */
export interface PurgeReport {
  /** Calls of PurgeAccount, the final one included. */
  batches: number;
  /** Rows changed in all, by kind. */
  rows: PurgeCounts;
  /** Whether the final call deleted the account's row (false: there was none, e.g. a second run). */
  accountDeleted: boolean;
}

/**
 * Removes an account's rows from the social graph (Postgres) with every other account's counters
 * exact: batches of `batch` rows of each kind until nothing is left, then the final call, which locks
 * the account's row, removes whatever arrived meanwhile and deletes the row (see account.gql). Each call
 * is a transaction of its own, so an interrupted purge leaves a consistent graph, and running it again
 * finishes the job; a purge of an account that is gone changes nothing. Like counts of the posts the
 * account liked settle through `like_change`, here at once (and by the scheduled sweep regardless).
 */
export async function purgeAccountData(
  dc: DataConnect,
  uid: string,
  options: { batch?: number; retry?: RetryPolicy; onBatch?: (counts: PurgeCounts) => void } = {},
): Promise<PurgeReport> {
  const report: PurgeReport = { batches: 0, rows: {}, accountDeleted: false };
  const call = async (final: boolean): Promise<PurgeCounts> => {
    const { data } = await withRetries(
      () =>
        dc.executeMutation<PurgeCounts, { uid: string; limit: number; final: boolean }>("PurgeAccount", {
          uid,
          limit: options.batch ?? 500,
          final,
        }),
      options.retry,
    );
    report.batches++;
    options.onBatch?.(data);
    for (const [kind, n] of Object.entries(data)) report.rows[kind] = (report.rows[kind] ?? 0) + n;
    return data;
  };
  for (;;) {
    const { locked, account, ...rows } = await call(false);
    if (!locked || Object.values(rows).every((n) => n === 0)) break;
  }
  report.accountDeleted = (await call(true)).account === 1;
  await sweepLikeCounts(dc, { retry: options.retry });
  return report;
}
