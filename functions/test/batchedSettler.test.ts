import { describe, expect, it } from "vitest";
import { BatchedSettler } from "../src/counters/batchedSettler.ts";

describe("BatchedSettler", () => {
  it("settles keys that arrive together in one batch, each key once", async () => {
    const batches: string[][] = [];
    const settler = new BatchedSettler(async (keys) => void batches.push(keys), { flushMs: 20 });
    await Promise.all([settler.add("a"), settler.add("b"), settler.add("a")]);
    expect(batches).toEqual([["a", "b"]]);
  });

  it("flushes early once maxBatch keys wait", async () => {
    const batches: string[][] = [];
    const settler = new BatchedSettler(async (keys) => void batches.push(keys), {
      flushMs: 10_000,
      maxBatch: 2,
    });
    await Promise.all([settler.add("a"), settler.add("b")]);
    expect(batches).toEqual([["a", "b"]]);
  });

  it("resolves a waiter only after the batch that covers it has settled", async () => {
    let settled = false;
    const settler = new BatchedSettler(
      async () => {
        await new Promise((r) => setTimeout(r, 30));
        settled = true;
      },
      { flushMs: 5 },
    );
    await settler.add("a");
    expect(settled).toBe(true);
  });

  it("flush settles what is queued right away and resolves after it", async () => {
    const batches: string[][] = [];
    const settler = new BatchedSettler(async (keys) => void batches.push(keys), { flushMs: 10_000 });
    const waiting = settler.add("a");
    await settler.flush();
    expect(batches).toEqual([["a"]]);
    await waiting;
  });

  it("rejects every waiter of a failed batch, so their events are redelivered", async () => {
    const settler = new BatchedSettler(() => Promise.reject(new Error("db down")), { flushMs: 5 });
    await expect(Promise.all([settler.add("a"), settler.add("b")])).rejects.toThrow("db down");
  });

  it("runs batches one after another, never two at once", async () => {
    let running = 0;
    let peak = 0;
    const settler = new BatchedSettler(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
      },
      { flushMs: 1 },
    );
    const first = settler.add("a");
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([first, settler.add("b")]);
    expect(peak).toBe(1);
  });
});
