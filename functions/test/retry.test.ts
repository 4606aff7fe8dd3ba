import { describe, expect, it } from "vitest";
import { withRetries } from "../src/counters/retry.ts";

describe("withRetries", () => {
  it("returns the first success, retrying the failures before it", async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`fail ${calls}`);
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it("gives up after the last attempt with the last error", async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error(`fail ${calls}`);
        },
        { attempts: 3, sleep: async () => {} },
      ),
    ).rejects.toThrow("fail 3");
    expect(calls).toBe(3);
  });

  it("waits longer each time, with jitter, never beyond the cap", async () => {
    const waits: number[] = [];
    await withRetries(() => Promise.reject(new Error("down")), {
      attempts: 8,
      baseMs: 100,
      maxMs: 1000,
      sleep: async (ms) => void waits.push(ms),
    }).catch(() => {});
    expect(waits).toHaveLength(7);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** i));
    });
  });
});
