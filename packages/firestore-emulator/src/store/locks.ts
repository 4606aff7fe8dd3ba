import { Code, FirestoreError } from "../errors.ts";

interface Waiter {
  readonly owner: string;
  readonly path: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Lock {
  owner: string;
  readonly queue: Waiter[];
}

/**
 * Exclusive document locks with FIFO hand-off. Read-write transactions lock what they read and
 * write, plain commits lock what they write, so a read-modify-write never loses an update. A
 * request that would close a wait-for cycle (deadlock) fails with ABORTED, and so does a wait
 * longer than the timeout; the SDKs retry transactions on ABORTED.
 */
export class LockManager {
  private readonly locks = new Map<string, Lock>();
  private readonly owned = new Map<string, Set<string>>();
  private readonly waiting = new Map<string, Waiter>();
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Whether `owner` holds the lock on `path`. */
  holds(owner: string, path: string): boolean {
    return this.locks.get(path)?.owner === owner;
  }

  /** Whether `owner` is queued for a lock. */
  isWaiting(owner: string): boolean {
    return this.waiting.has(owner);
  }

  private grant(owner: string, path: string): void {
    let set = this.owned.get(owner);
    if (!set) {
      set = new Set();
      this.owned.set(owner, set);
    }
    set.add(path);
  }

  /** Whether waiting for `holder` would make `owner` wait on itself. */
  private wouldDeadlock(owner: string, holder: string): boolean {
    const seen = new Set<string>();
    let current: string | undefined = holder;
    while (current !== undefined && !seen.has(current)) {
      if (current === owner) return true;
      seen.add(current);
      const waiter = this.waiting.get(current);
      current = waiter ? this.locks.get(waiter.path)?.owner : undefined;
    }
    return false;
  }

  /** Acquires the lock on one path, waiting in line when another owner holds it. */
  acquire(owner: string, path: string): Promise<void> | undefined {
    const lock = this.locks.get(path);
    if (!lock) {
      this.locks.set(path, { owner, queue: [] });
      this.grant(owner, path);
      return undefined;
    }
    if (lock.owner === owner) return undefined;
    if (this.wouldDeadlock(owner, lock.owner)) {
      return Promise.reject(
        new FirestoreError(
          Code.ABORTED,
          "Transaction was aborted because of a deadlock with another transaction.",
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.dequeue(owner);
        reject(new FirestoreError(Code.ABORTED, "Too much contention on these documents. Please try again."));
      }, this.timeoutMs);
      timer.unref();
      const waiter: Waiter = { owner, path, resolve, reject, timer };
      lock.queue.push(waiter);
      this.waiting.set(owner, waiter);
    });
  }

  /** Acquires several locks one after another, in the given (sorted) order. */
  async acquireAll(owner: string, paths: Iterable<string>): Promise<void> {
    for (const path of paths) {
      const wait = this.acquire(owner, path);
      if (wait) await wait;
    }
  }

  private dequeue(owner: string): Waiter | undefined {
    const waiter = this.waiting.get(owner);
    if (!waiter) return undefined;
    this.waiting.delete(owner);
    clearTimeout(waiter.timer);
    const lock = this.locks.get(waiter.path);
    if (lock) {
      const i = lock.queue.indexOf(waiter);
      if (i >= 0) lock.queue.splice(i, 1);
    }
    return waiter;
  }

  /** Stops a pending wait of `owner`, failing it with `error`. */
  cancelWait(owner: string, error: Error): void {
    this.dequeue(owner)?.reject(error);
  }

  /** Releases every lock of `owner`, handing each to the next in line. */
  releaseAll(owner: string): void {
    const paths = this.owned.get(owner);
    this.owned.delete(owner);
    if (!paths) return;
    for (const path of paths) {
      const lock = this.locks.get(path);
      if (!lock || lock.owner !== owner) continue;
      const next = lock.queue.shift();
      if (!next) {
        this.locks.delete(path);
        continue;
      }
      this.waiting.delete(next.owner);
      clearTimeout(next.timer);
      lock.owner = next.owner;
      this.grant(next.owner, path);
      next.resolve();
    }
  }
}
