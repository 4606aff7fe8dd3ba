import { RequestError } from "../errors.ts";

/** How many may pass at once, and how much waiting is tolerated before callers are turned away. */
export interface GateLimits {
  /** Holders at once (the number of database sessions). */
  slots: number;
  /** Callers that may wait for a slot; one more is refused at once. */
  maxWaiting: number;
  /** How long a caller may wait for a slot before it is refused. */
  maxWaitMs: number;
}

/** Default limits: generous for a developer's machine, yet bounded in memory and in latency. */
export const DEFAULT_GATE_LIMITS: Omit<GateLimits, "slots"> = { maxWaiting: 1000, maxWaitMs: 20_000 };

interface Waiter {
  grant: (release: () => void) => void;
  refuse: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A counting semaphore with a bounded, first-come-first-served queue: back-pressure in front of the
 * database. Past the queue or the wait limit, callers get RESOURCE_EXHAUSTED (HTTP 429) instead of piling
 * up without bound.
 */
export class Gate {
  readonly limits: GateLimits;
  #busy = 0;
  readonly #waiting: Waiter[] = [];
  #closed: string | null = null;

  constructor(limits: GateLimits) {
    if (limits.slots < 1) throw new Error("a gate needs at least one slot");
    this.limits = limits;
  }

  /** Callers holding a slot now. */
  get busy(): number {
    return this.#busy;
  }

  /** Callers waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves with the function that gives the slot back, once one is free; or refuses (RESOURCE_EXHAUSTED). */
  enter(): Promise<() => void> {
    if (this.#closed) return Promise.reject(new RequestError("UNAVAILABLE", this.#closed));
    if (this.#busy < this.limits.slots && this.#waiting.length === 0) {
      this.#busy++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiting.length >= this.limits.maxWaiting) {
      return Promise.reject(
        new RequestError(
          "RESOURCE_EXHAUSTED",
          `the database is overloaded: ${this.#waiting.length} requests are already waiting for one of its ${this.limits.slots} session(s); retry later`,
        ),
      );
    }
    return new Promise((grant, refuse) => {
      const waiter: Waiter = {
        grant,
        refuse,
        timer: setTimeout(() => {
          const at = this.#waiting.indexOf(waiter);
          if (at >= 0) this.#waiting.splice(at, 1);
          refuse(
            new RequestError(
              "RESOURCE_EXHAUSTED",
              `the database is overloaded: no session became free within ${this.limits.maxWaitMs} ms; retry later`,
            ),
          );
        }, this.limits.maxWaitMs),
      };
      waiter.timer.unref?.();
      this.#waiting.push(waiter);
    });
  }

  /** Refuses every waiter and every later caller with UNAVAILABLE (the database is going away). */
  close(message: string): void {
    this.#closed = message;
    for (const waiter of this.#waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.refuse(new RequestError("UNAVAILABLE", message));
    }
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.#releaser()); // the slot passes straight to the next in line
      } else {
        this.#busy--;
      }
    };
  }
}
