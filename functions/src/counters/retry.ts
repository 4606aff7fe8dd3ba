/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 4). */
  attempts?: number;
  /** Wait before the second attempt; doubles each time, with jitter (default 100 ms). */
  baseMs?: number;
  /** Longest wait between attempts (default 2,000 ms). */
  maxMs?: number;
  /** Waits `ms` (tests pass a fake clock). */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` until it resolves, at most `attempts` times, waiting exponentially longer (with full
 * jitter) between tries; rejects with the last error. Only for idempotent work.
 */
export async function withRetries<T>(fn: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const attempts = policy.attempts ?? 4;
  const base = policy.baseMs ?? 100;
  const max = policy.maxMs ?? 2000;
  const sleep = policy.sleep ?? wait;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(Math.random() * Math.min(max, base * 2 ** (attempt - 1)));
    try {
      return await fn();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
