// Query subscriptions and their refreshes (spec §1.10). Every committed mutation is one signal; the hub
// finds the subscriptions it makes stale, coalesces bursts into one re-run each, runs identical
// subscriptions (same query, variables and identity) once, and delivers each subscriber a result computed
// with its own identity, never one that was computed before the latest commit that concerned it.
// A refresh sends only a result that differs from the subscriber's last one: a push that says nothing
// new would tell a subscriber that something it may not see (a hidden post) changed.
// Re-runs are ordinary operations: each takes a database session through the engine's bounded gate, and
// at most MAX_CONCURRENT_RUNS of them are in the gate at once, so a refresh storm queues here and a
// unary request waits behind a bounded number of refreshes, never behind the whole storm.
import type { CommittedMutation, RefreshWatch } from "../engine/refresh.ts";
import type { Caller, GraphqlResponse } from "../engine/types.ts";
import { type GrpcStatus, RequestError } from "../errors.ts";
import type { ServiceHolder } from "../protocol/service-holder.ts";
import type { Logger } from "../runtime/log.ts";

/** The connector query a subscriber asked for. */
export interface SubscriptionRequest {
  connector: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/** Where a subscription's results go, and who the subscriber is (its token may change over time). */
export interface SubscriberSink {
  caller(): Caller;
  /** One result. `final`: the subscription has ended (a request-level error, e.g. `@auth` refused it). */
  send(response: GraphqlResponse, final: boolean): void;
}

/** A live subscription, as the stream holds it. */
export interface Subscription {
  /** Runs the query now and sends the result even if unchanged (the SDK's `resume`). */
  resume(): void;
  cancel(): void;
}

/** Re-runs at most this many subscription groups at once, leaving the database room for requests. */
const MAX_CONCURRENT_RUNS = 8;
/** A result overtaken by a newer commit is dropped and recomputed, at most this many times in a row. */
const MAX_DISCARDS = 3;
/** Errors that may pass (the service restarting): the subscription lives on. */
const TRANSIENT: ReadonlySet<GrpcStatus> = new Set([
  "UNAVAILABLE",
  "INTERNAL",
  "ABORTED",
  "DEADLINE_EXCEEDED",
  "RESOURCE_EXHAUSTED",
]);
/** Transient errors worth running the query again for, after a pause (the first after RETRY_MS). */
const RETRIED: ReadonlySet<GrpcStatus> = new Set([
  "UNAVAILABLE",
  "ABORTED",
  "DEADLINE_EXCEEDED",
  "RESOURCE_EXHAUSTED",
]);
const RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** The engine's back-pressure: not the subscriber's business, it only gets the result once there is one. */
const SILENT: ReadonlySet<GrpcStatus> = new Set(["RESOURCE_EXHAUSTED"]);

interface Sub {
  readonly request: SubscriptionRequest;
  readonly sink: SubscriberSink;
  watch: RefreshWatch | null;
  /** Bumped by every trigger (commit, timer, resume): a run started at an older version is outdated. */
  version: number;
  /** Whether the next result is sent even if it equals the last one (first result, resume, mutation). */
  mustSend: boolean;
  running: boolean;
  cancelled: boolean;
  lastSent: string | undefined;
  discards: number;
  timer: ReturnType<typeof setInterval> | undefined;
  everyMs: number | undefined;
  /** Consecutive runs that failed with a retried error, and the pending retry. */
  failures: number;
  retry: ReturnType<typeof setTimeout> | undefined;
  /** The error last sent, so that retries do not repeat it. */
  lastError: string | undefined;
}

/** Subscriptions of one emulator, across service reloads. */
export class RefreshHub {
  readonly #services: ServiceHolder;
  readonly #log: Logger;
  readonly #byOperation = new Map<string, Set<Sub>>();
  readonly #byEntity = new Map<string, Set<Sub>>();
  readonly #all = new Set<Sub>();
  /** Subscriptions whose first run has not finished: no watch yet, so every commit may concern them. */
  readonly #unwatched = new Set<Sub>();
  readonly #pending = new Set<Sub>();
  #flushScheduled = false;
  readonly #queue: Sub[][] = [];
  #active = 0;
  #refreshes = 0;

  constructor(options: { services: ServiceHolder; log: Logger }) {
    this.#services = options.services;
    this.#log = options.log;
  }

  /** Open subscriptions. */
  get size(): number {
    return this.#all.size;
  }

  /** Query runs done for subscriptions so far (first results included), for measurements. */
  get runs(): number {
    return this.#refreshes;
  }

  /** Starts a subscription: its first result is sent as soon as the query has run. */
  subscribe(request: SubscriptionRequest, sink: SubscriberSink): Subscription {
    const sub: Sub = {
      request,
      sink,
      watch: null,
      version: 0,
      mustSend: true,
      running: false,
      cancelled: false,
      lastSent: undefined,
      discards: 0,
      timer: undefined,
      everyMs: undefined,
      failures: 0,
      retry: undefined,
      lastError: undefined,
    };
    this.#all.add(sub);
    this.#unwatched.add(sub);
    this.#markStale(sub, true);
    return {
      resume: () => {
        if (!sub.cancelled) this.#markStale(sub, true);
      },
      cancel: () => this.#cancel(sub),
    };
  }

  /** The "mutation committed" signal: marks every subscription it concerns stale (called synchronously). */
  mutationCommitted(mutation: CommittedMutation): void {
    const candidates = new Set<Sub>();
    const add = (subs: Set<Sub> | undefined) => {
      for (const sub of subs ?? []) candidates.add(sub);
    };
    if (mutation.operationName) add(this.#byOperation.get(mutation.operationName));
    for (const entity of mutation.entities) add(this.#byEntity.get(entity));
    for (const sub of candidates) {
      if (sub.watch?.affectedBy(mutation)) this.#markStale(sub, false);
    }
    for (const sub of this.#unwatched) this.#markStale(sub, false);
  }

  /** Ends every subscription (the emulator is stopping); queued runs are dropped. */
  close(): void {
    for (const sub of [...this.#all]) this.#cancel(sub);
    this.#queue.length = 0;
  }

  #markStale(sub: Sub, mustSend: boolean): void {
    sub.version++;
    sub.mustSend ||= mustSend;
    this.#pending.add(sub);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Mutations committed in the same turn (a burst) coalesce into one run per subscription.
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const groups = new Map<string, Sub[]>();
    for (const sub of this.#pending) {
      // A running subscription re-queues itself when it finishes and sees it went stale meanwhile.
      if (sub.running || sub.cancelled) continue;
      const key = groupKey(sub);
      const group = groups.get(key);
      if (group) group.push(sub);
      else groups.set(key, [sub]);
    }
    this.#pending.clear();
    for (const group of groups.values()) {
      for (const sub of group) sub.running = true;
      this.#queue.push(group);
    }
    this.#pump();
  }

  #pump(): void {
    while (this.#active < MAX_CONCURRENT_RUNS && this.#queue.length > 0) {
      const group = this.#queue.shift()!.filter((sub) => !sub.cancelled);
      if (group.length === 0) continue; // everyone in it left while it waited
      this.#active++;
      void this.#run(group).finally(() => {
        this.#active--;
        this.#pump();
      });
    }
  }

  async #run(group: Sub[]): Promise<void> {
    const started = group.map((sub) => sub.version);
    const first = group[0]!;
    let outcome: { response: GraphqlResponse; watch: RefreshWatch | null } | { error: RequestError };
    try {
      this.#refreshes++;
      const lease = this.#services.acquire();
      try {
        outcome = await lease.service.subscribeQuery({ ...first.request, caller: first.sink.caller() });
      } finally {
        lease.release();
      }
    } catch (error) {
      if (!(error instanceof RequestError)) {
        this.#log.error(
          `subscription ${first.request.operationName} failed: ${(error as Error)?.stack ?? error}`,
        );
      }
      outcome = {
        error: error instanceof RequestError ? error : new RequestError("INTERNAL", (error as Error).message),
      };
    }
    for (const [i, sub] of group.entries()) {
      sub.running = false;
      if (sub.cancelled) continue;
      if (sub.version !== started[i] && sub.discards < MAX_DISCARDS) {
        // A commit that concerns it landed while the query ran: this result may predate it.
        sub.discards++;
        this.#markStale(sub, false);
        continue;
      }
      sub.discards = 0;
      if ("error" in outcome) this.#deliverError(sub, outcome.error);
      else this.#deliver(sub, outcome.response, outcome.watch);
      // Sent despite a newer commit (writes kept overtaking it): that commit still gets its own run.
      if (sub.version !== started[i] && !sub.cancelled) this.#markStale(sub, false);
    }
  }

  #deliver(sub: Sub, response: GraphqlResponse, watch: RefreshWatch | null): void {
    sub.failures = 0;
    sub.lastError = undefined;
    this.#setWatch(sub, watch);
    const text = JSON.stringify(response);
    // Timed refreshes (`every:`) that find nothing new say nothing.
    if (!sub.mustSend && text === sub.lastSent) return;
    sub.mustSend = false;
    sub.lastSent = text;
    sub.sink.send(response, false);
  }

  #deliverError(sub: Sub, error: RequestError): void {
    const final = !TRANSIENT.has(error.status);
    if (RETRIED.has(error.status)) this.#retryLater(sub);
    if (SILENT.has(error.status) || (!final && sub.lastError === error.message)) return;
    sub.mustSend = false;
    sub.lastSent = undefined;
    sub.lastError = error.message;
    sub.sink.send(
      { data: null, errors: [{ message: error.message, extensions: { code: error.status } }] },
      final,
    );
    if (final) this.#cancel(sub);
  }

  /** Runs `sub` again after a pause that doubles with every failure in a row (a first result still owed is sent). */
  #retryLater(sub: Sub): void {
    if (sub.retry) return;
    const delay = Math.min(MAX_RETRY_MS, RETRY_MS * 2 ** sub.failures);
    sub.failures++;
    sub.retry = setTimeout(() => {
      sub.retry = undefined;
      if (!sub.cancelled) this.#markStale(sub, false);
    }, delay);
    sub.retry.unref();
  }

  /** Indexes `sub` under what may refresh it now (a reload may have changed its `@refresh`). */
  #setWatch(sub: Sub, watch: RefreshWatch | null): void {
    this.#unindex(sub);
    this.#unwatched.delete(sub);
    sub.watch = watch;
    for (const operation of watch?.operations ?? []) addTo(this.#byOperation, operation, sub);
    for (const entity of watch?.entities ?? []) addTo(this.#byEntity, entity, sub);
    const everyMs = watch?.everyMs;
    if (everyMs !== sub.everyMs) {
      if (sub.timer) clearInterval(sub.timer);
      sub.timer = undefined;
      sub.everyMs = everyMs;
      if (everyMs) {
        sub.timer = setInterval(() => this.#markStale(sub, false), everyMs);
        sub.timer.unref();
      }
    }
  }

  #unindex(sub: Sub): void {
    for (const operation of sub.watch?.operations ?? []) removeFrom(this.#byOperation, operation, sub);
    for (const entity of sub.watch?.entities ?? []) removeFrom(this.#byEntity, entity, sub);
  }

  #cancel(sub: Sub): void {
    if (sub.cancelled) return;
    sub.cancelled = true;
    this.#unindex(sub);
    if (sub.timer) clearInterval(sub.timer);
    if (sub.retry) clearTimeout(sub.retry);
    this.#pending.delete(sub);
    this.#all.delete(sub);
    this.#unwatched.delete(sub);
  }
}

/** Subscriptions with the same query, variables and identity get the same result: run it once. */
function groupKey(sub: Sub): string {
  const caller = sub.sink.caller();
  // A query known (since its first run) to answer everyone alike is shared across identities too.
  const who = sub.watch?.sameForEveryone
    ? "everyone"
    : caller.kind === "admin"
      ? "admin"
      : JSON.stringify(caller.auth);
  return JSON.stringify([
    sub.request.connector,
    sub.request.operationName,
    canonical(sub.request.variables),
    who,
  ]);
}

/** JSON-ish value with object keys sorted, so that equal variables compare equal. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function addTo<K>(index: Map<K, Set<Sub>>, key: K, sub: Sub): void {
  const set = index.get(key);
  if (set) set.add(sub);
  else index.set(key, new Set([sub]));
}

function removeFrom<K>(index: Map<K, Set<Sub>>, key: K, sub: Sub): void {
  const set = index.get(key);
  set?.delete(sub);
  if (set?.size === 0) index.delete(key);
}
