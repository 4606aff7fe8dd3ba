// The notification pipeline: mutation event → what it touched (events.ts) → the groups that may have
// changed (targets.ts) → one reconciliation per recipient (reconcile.ts), batched so that events
// arriving together share one transaction per recipient. `handle` resolves once every group the event
// touched has been reconciled after it arrived, so an event is acknowledged only when its notifications
// are true; a failure rejects it and the event is redelivered (which is harmless: see reconcile.ts).
import type { DataConnect } from "firebase-admin/data-connect";
import type { Firestore } from "firebase-admin/firestore";
import { BatchedSettler } from "../counters/batchedSettler.ts";
import { type RetryPolicy, withRetries } from "../counters/retry.ts";
import { type SocialMutation, touchesOf } from "./events.ts";
import { decodeKey, encodeKey, type GroupKey } from "./model.ts";
import {
  dataConnectTruth,
  groupsShowing,
  MAX_GROUPS_PER_TRANSACTION,
  mentionRecipients,
  reconcileRecipient,
} from "./reconcile.ts";
import { groupKeys, lookUp, type TargetSource } from "./targets.ts";

/** Pipeline tuning; the defaults are what the deployed function uses. */
export interface NotifierOptions {
  /** How long a group waits for other events to share its reconciliation (default 100 ms). */
  flushMs?: number;
  /** Groups per flush (default 500). */
  maxBatch?: number;
  /** Recipients reconciled at once within a flush (default 8). */
  concurrency?: number;
  retry?: RetryPolicy;
}

/** A running pipeline. */
export interface Notifier {
  /** Brings every group `mutation` may have changed up to date; resolves with how many it covered. */
  handle(mutation: SocialMutation): Promise<number>;
  /** Reconciles these groups now (also what `handle` ends in). */
  reconcile(keys: GroupKey[]): Promise<void>;
}

/** The pipeline over these connections (functions pass lazy getters, tests their own instances). */
export function notifier(
  deps: { dataConnect: () => DataConnect; firestore: () => Firestore },
  options: NotifierOptions = {},
): Notifier {
  const concurrency = options.concurrency ?? 8;
  const reconcileAll = async (keys: GroupKey[]) => {
    const db = deps.firestore();
    const truth = dataConnectTruth(deps.dataConnect());
    const byRecipient = new Map<string, GroupKey[]>();
    for (const key of keys) byRecipient.set(key.recipient, [...(byRecipient.get(key.recipient) ?? []), key]);
    const jobs: (() => Promise<unknown>)[] = [];
    for (const [recipient, groups] of byRecipient)
      for (let i = 0; i < groups.length; i += MAX_GROUPS_PER_TRANSACTION) {
        const chunk = groups.slice(i, i + MAX_GROUPS_PER_TRANSACTION);
        jobs.push(() => withRetries(() => reconcileRecipient(db, truth, recipient, chunk), options.retry));
      }
    await runLimited(jobs, concurrency);
  };
  const settler = new BatchedSettler((encoded) => reconcileAll(encoded.map(decodeKey)), {
    flushMs: options.flushMs ?? 100,
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
  });
  return {
    async handle(mutation) {
      const touches = touchesOf(mutation);
      if (touches.length === 0) return 0;
      const source = targetSource(deps.dataConnect(), deps.firestore());
      const lookups = await withRetries(() => lookUp(touches, source), options.retry);
      const keys = groupKeys(touches, lookups);
      await Promise.all(keys.map((key) => settler.add(encodeKey(key))));
      return keys.length;
    },
    reconcile: reconcileAll,
  };
}

/** Where the lookups come from: the database, and the notification documents that exist. */
export function targetSource(dc: DataConnect, db: Firestore): TargetSource {
  return {
    ...dataConnectTruth(dc),
    mentionRecipients: (post) => mentionRecipients(db, post),
    shownGroups: (actor) => groupsShowing(db, actor),
  };
}

/** Runs `jobs`, at most `limit` at a time; rejects with the first failure once all have settled. */
async function runLimited(jobs: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await job().catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
