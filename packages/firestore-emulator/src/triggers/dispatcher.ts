import type { DatabaseId } from "../model/path.ts";
import type { Caller } from "../security/caller.ts";
import type { CommitEvent } from "../store/database.ts";
import { type Delivery, type DocumentChangeEvent, deliveryFor, fires, principalOf } from "./events.ts";
import type { TriggerRegistry } from "./registry.ts";

/** Longest a function may run before its delivery is given up (Cloud Functions' own maximum is 540 s). */
const DELIVERY_TIMEOUT_MS = 9 * 60 * 1000;

/** Options of the dispatcher. */
export interface DispatcherOptions {
  /** `host:port` of the Functions emulator (the official emulator's `--functions_emulator`). */
  readonly functionsEmulator: string | undefined;
  readonly log: (message: string) => void;
}

/**
 * Delivers document changes to the Functions emulator, as the official Firestore emulator does: every
 * registered trigger a change fires gets one POST to `/functions/projects/{p}/triggers/{key}`. Each
 * function receives its events one at a time, in commit order; functions run independently.
 */
export class TriggerDispatcher {
  private readonly registry: TriggerRegistry;
  private readonly options: DispatcherOptions;
  private readonly queues = new Map<string, Promise<void>>();
  private warnedMissingEmulator = false;

  constructor(registry: TriggerRegistry, options: DispatcherOptions) {
    this.registry = registry;
    this.options = options;
  }

  /** Queues the deliveries one commit by `caller` causes. Called synchronously inside the commit. */
  onCommit(db: DatabaseId, event: CommitEvent, caller: Caller): void {
    const triggers = this.registry.list(db.projectId);
    if (triggers.length === 0) return;
    const principal = principalOf(caller);
    for (const { path, before, after } of event.changes) {
      const change: DocumentChangeEvent = {
        projectId: db.projectId,
        databaseId: db.databaseId,
        path,
        before,
        after,
        commitTime: event.commitTime,
        principal,
      };
      for (const trigger of triggers) if (fires(trigger, change)) this.enqueue(deliveryFor(trigger, change));
    }
  }

  /** Resolves once every queued delivery has finished (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  private enqueue(delivery: Delivery): void {
    const queueKey = `${delivery.trigger.projectId}/${delivery.trigger.key}`;
    const previous = this.queues.get(queueKey) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(delivery));
    this.queues.set(queueKey, next);
    void next.then(() => {
      if (this.queues.get(queueKey) === next) this.queues.delete(queueKey);
    });
  }

  private async deliver({ trigger, headers, body }: Delivery): Promise<void> {
    const host = this.options.functionsEmulator;
    if (!host) {
      if (!this.warnedMissingEmulator) {
        this.warnedMissingEmulator = true;
        this.options.log(
          "Firestore triggers are registered but no Functions emulator is known (--functions_emulator); events are dropped.",
        );
      }
      return;
    }
    const url = `http://${host}/functions/projects/${encodeURIComponent(trigger.projectId)}/triggers/${encodeURIComponent(trigger.key)}`;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) {
        this.options.log(
          `Firestore trigger ${trigger.key} (${trigger.eventType} on ${trigger.document}) failed: HTTP ${res.status} ${text.slice(0, 300)}`,
        );
      }
    } catch (error) {
      this.options.log(
        `Firestore trigger ${trigger.key} could not be delivered to ${host}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
