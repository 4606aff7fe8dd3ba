import { expect, it } from "vitest";
import { runConcurrent } from "./concurrency.ts";

it("runs every call once, never more than `clients` at a time", async () => {
  let inFlight = 0;
  let peak = 0;
  const seen: number[] = [];
  const result = await runConcurrent(3, 10, async (i) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    seen.push(i);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
  });
  expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(peak).toBe(3);
  expect(result.latency.count).toBe(10);
  expect(result.opsPerSecond).toBeGreaterThan(0);
});
