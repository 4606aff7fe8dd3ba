// Delivery of mutation events to their sinks: in the background, never holding up the mutation that
// emitted them. A failed delivery is retried with exponential backoff; what cannot be delivered in the end,
// or does not fit the bounded queue, is dropped and logged.
import type { MutationEventSink, MutationExecutedEvent } from "./events.ts";

/** A failure retrying will not fix (the sink refused the event): the event is dropped at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentDeliveryError";
  }
}

/** How hard delivery tries, and how much it keeps. */
export interface DeliveryOptions {
  /** Events waiting or in flight per sink; past it new events are dropped (default 1000). */
  maxQueued?: number;
  /** Attempts per event, the first included (default 8: about a minute of retries). */
  maxAttempts?: number;
  /** Delay before the first retry; it doubles each time, with jitter (default 250 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Deliveries in flight at once per sink (default 4). */
  concurrency?: number;
  log?: (message: string) => void;
}

interface Pending {
  event: MutationExecutedEvent;
  attempts: number;
}

/** Delivers every event to every sink, each sink with its own bounded queue and retries. */
export class EventDelivery {
  readonly #queues: SinkQueue[];

  constructor(sinks: readonly MutationEventSink[], options: DeliveryOptions = {}) {
    this.#queues = sinks.map((sink) => new SinkQueue(sink, options));
  }

  /** Whether there is anyone to deliver to (if not, events need not even be built). */
  get hasSinks(): boolean {
    return this.#queues.length > 0;
  }

  /** Queues `event` for every sink and returns at once. */
  publish(event: MutationExecutedEvent): void {
    for (const queue of this.#queues) queue.push(event);
  }

  /** Resolves once nothing is queued or in flight (or after `timeoutMs`); what is left is dropped and logged. */
  async close(timeoutMs: number): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.close(timeoutMs)));
  }

  /** Events waiting or in flight, over all sinks. */
  get queued(): number {
    return this.#queues.reduce((sum, queue) => sum + queue.size, 0);
  }
}

class SinkQueue {
  readonly #sink: MutationEventSink;
  readonly #maxQueued: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #concurrency: number;
  readonly #log: (message: string) => void;
  readonly #ready: Pending[] = [];
  readonly #timers = new Map<ReturnType<typeof setTimeout>, Pending>();
  #inFlight = 0;
  #closed = false;
  #idle: (() => void)[] = [];

  constructor(sink: MutationEventSink, options: DeliveryOptions) {
    this.#sink = sink;
    this.#maxQueued = options.maxQueued ?? 1000;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#baseDelayMs = options.baseDelayMs ?? 250;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    this.#concurrency = options.concurrency ?? 4;
    this.#log = options.log ?? ((message) => console.error(message));
  }

  get size(): number {
    return this.#ready.length + this.#timers.size + this.#inFlight;
  }

  push(event: MutationExecutedEvent): void {
    const pending = { event, attempts: 0 };
    if (this.#closed) this.#drop(pending, "the emulator is stopping");
    else if (this.size >= this.#maxQueued)
      this.#drop(pending, `${this.size} events already wait for this sink`);
    else this.#ready.push(pending);
    this.#pump();
  }

  close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    // Retries scheduled for later would outlive the emulator: drop them now.
    for (const [timer, pending] of this.#timers) {
      clearTimeout(timer);
      this.#drop(pending, "the emulator is stopping");
    }
    this.#timers.clear();
    if (this.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const pending of this.#ready.splice(0)) this.#drop(pending, "the emulator is stopping");
        resolve();
      }, timeoutMs);
      timer.unref?.();
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#ready.length > 0) {
      const pending = this.#ready.shift()!;
      this.#inFlight++;
      void this.#attempt(pending).finally(() => {
        this.#inFlight--;
        this.#pump();
        if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }

  async #attempt(pending: Pending): Promise<void> {
    // Never inside `publish`: the sink starts once the current call stack is done (a microtask, so
    // callers that never yield to the event loop, e.g. on in-process PGlite, still see it run).
    await Promise.resolve();
    pending.attempts++;
    try {
      await this.#sink(pending.event);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentDeliveryError || pending.attempts >= this.#maxAttempts || this.#closed) {
        this.#drop(pending, reason);
        return;
      }
      const delay = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (pending.attempts - 1));
      const jittered = Math.round(delay * (0.5 + Math.random() / 2));
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#ready.push(pending);
        this.#pump();
      }, jittered);
      timer.unref?.();
      this.#timers.set(timer, pending);
    }
  }

  #drop(pending: Pending, reason: string): void {
    const { event } = pending;
    const tries = pending.attempts === 1 ? "1 attempt" : `${pending.attempts} attempts`;
    this.#log(`mutation event ${event.operation} (${event.id}) dropped after ${tries}: ${reason}`);
  }
}
