import type { DataConnect } from "firebase-admin/data-connect";
import { type RetryPolicy, withRetries } from "./retry.ts";

// Counter reconciliation: every counter recounted from the rows it counts, in bounded batches, fixing
// drift (dataconnect/connector/counters.gql: optimistic, so it never introduces drift of its own). Each
// fixed counter is reported (the scheduled function logs one line per fix). A run that runs out of time
// saves where it stopped, and the next run continues from there.

/** One counter that had drifted and was fixed. */
export interface CounterFix {
  table: "user" | "post_stats";
  /** The account's uid or the post's id. */
  key: string;
  counter: string;
  was: number;
  now: number;
}

/** Where a reconciliation pass stands: the last account and post done. */
export interface ReconcileCursor {
  afterUid: string;
  afterPost: string;
}

/** Keeps the cursor between runs (e.g. a Firestore document); without one, every run starts over. */
export interface CursorStore {
  load(): Promise<ReconcileCursor | null>;
  /** null: the pass is complete, start over next time. */
  save(cursor: ReconcileCursor | null): Promise<void>;
}

/** What one run did. */
export interface ReconcileReport {
  users: number;
  posts: number;
  batches: number;
  fixes: number;
  /** PostStat rows that were missing and were created. */
  createdStats: number;
  /** The time budget ran out before the pass completed (the cursor is saved). */
  unfinished: boolean;
}

const FIRST: ReconcileCursor = { afterUid: "", afterPost: "00000000000000000000000000000000" };

type Fixed = { key: string; was: Record<string, number>; now: Record<string, number> }[];

/** Recounts every counter, `batch` keys per statement, until done or `budgetMs` is spent. */
export async function reconcileCounters(
  dc: DataConnect,
  options: {
    batch?: number;
    budgetMs?: number;
    retry?: RetryPolicy;
    store?: CursorStore;
    onFix?: (fix: CounterFix) => void;
  } = {},
): Promise<ReconcileReport> {
  const batch = options.batch ?? 500;
  const deadline = Date.now() + (options.budgetMs ?? 480_000);
  const report: ReconcileReport = {
    users: 0,
    posts: 0,
    batches: 0,
    fixes: 0,
    createdStats: 0,
    unfinished: false,
  };
  const cursor: ReconcileCursor = { ...((await options.store?.load()) ?? FIRST) };
  const retry = <T>(fn: () => Promise<T>) => withRetries(fn, options.retry);
  const reportFixes = (table: CounterFix["table"], fixed: Fixed) => {
    for (const row of fixed)
      for (const [counter, now] of Object.entries(row.now)) {
        const was = row.was[counter]!;
        if (was === now) continue;
        report.fixes++;
        options.onFix?.({ table, key: row.key, counter, was, now });
      }
  };

  for (;;) {
    const { data: ends } = await retry(() =>
      dc.executeQuery<
        {
          users: { last: string | null; count: number } | null;
          posts: { last: string | null; count: number } | null;
        },
        { afterUid: string; afterPost: string; limit: number }
      >("CounterBatchEnds", { ...cursor, limit: batch }),
    );
    const lastUid = ends.users?.last ?? null;
    const lastPost = ends.posts?.last ?? null;
    if (lastUid === null && lastPost === null) break;
    if (lastUid !== null) {
      const { data } = await retry(() =>
        dc.executeMutation<{ fixed: Fixed }, { afterUid: string; throughUid: string }>(
          "ReconcileUserCounters",
          {
            afterUid: cursor.afterUid,
            throughUid: lastUid,
          },
        ),
      );
      reportFixes("user", data.fixed);
      report.users += ends.users?.count ?? 0;
      cursor.afterUid = lastUid;
    }
    if (lastPost !== null) {
      const { data } = await retry(() =>
        dc.executeMutation<
          { created: { key: string }[]; fixed: Fixed },
          { afterPost: string; throughPost: string }
        >("ReconcilePostCounters", { afterPost: cursor.afterPost, throughPost: lastPost }),
      );
      report.createdStats += data.created.length;
      reportFixes("post_stats", data.fixed);
      report.posts += ends.posts?.count ?? 0;
      cursor.afterPost = lastPost;
    }
    report.batches++;
    if (Date.now() >= deadline) {
      report.unfinished = true;
      await options.store?.save(cursor);
      return report;
    }
  }
  await options.store?.save(null);
  return report;
}
