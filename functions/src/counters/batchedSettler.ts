/** Settles a batch of keys (e.g. recounts these posts' likes); must be idempotent. */
export type SettleBatch = (keys: string[]) => Promise<void>;

/**
 * Coalesces keys into batches: every key added is settled by the next flush, at most `flushMs`
 * after it arrived (or sooner, once `maxBatch` keys wait). `add` resolves when the flush that
 * covered the key has committed, so an event handler that awaits it acknowledges its event only
 * once the count is true; a failed flush rejects every waiter, and the event is redelivered.
 */
export class BatchedSettler {
  private readonly settle: SettleBatch;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private pending = new Map<string, { resolve: () => void; reject: (error: unknown) => void }[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(settle: SettleBatch, options: { flushMs?: number; maxBatch?: number } = {}) {
    this.settle = settle;
    this.flushMs = options.flushMs ?? 200;
    this.maxBatch = options.maxBatch ?? 500;
  }

  /** Queues `key`; resolves once a flush that includes it has settled. */
  add(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(key, waiters);
      if (this.pending.size >= this.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.flushMs);
    });
  }

  /** Settles everything queued now; resolves when that (and every earlier) batch is done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.startBatch();
    return this.running;
  }

  private flushSoon(delay: number): void {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startBatch();
    }, delay);
  }

  private startBatch(): void {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    // Flushes run one after another: a recount that started earlier never lands after a later one.
    // `running` itself never rejects; each waiter learns the outcome of its own batch.
    this.running = this.running.then(() => this.settleBatch(batch));
  }

  private async settleBatch(
    batch: Map<string, { resolve: () => void; reject: (error: unknown) => void }[]>,
  ): Promise<void> {
    try {
      await this.settle([...batch.keys()]);
      for (const waiters of batch.values()) for (const w of waiters) w.resolve();
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    }
  }
}
