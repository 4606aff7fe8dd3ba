import { type LatencySummary, summarize } from "./stats.ts";

/** Runs `total` calls of `fn` with `clients` of them in flight at once; returns throughput and latency. */
export async function runConcurrent(
  clients: number,
  total: number,
  fn: (i: number) => Promise<unknown>,
): Promise<{ opsPerSecond: number; latency: LatencySummary }> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t = performance.now();
      await fn(i);
      samples.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { opsPerSecond: total / seconds, latency: summarize(samples) };
}
