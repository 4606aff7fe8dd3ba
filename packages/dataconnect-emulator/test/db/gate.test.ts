import { describe, expect, it } from "vitest";
import { Gate } from "../../src/db/gate.ts";

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe("Gate", () => {
  it("lets as many callers through as it has slots, and the next one when a slot is given back", async () => {
    const gate = new Gate({ slots: 2, maxWaiting: 10, maxWaitMs: 10_000 });
    const first = await gate.enter();
    await gate.enter();
    const third = gate.enter();
    expect(await settled(third)).toBe(false);
    first();
    expect(await settled(third)).toBe(true);
    expect(gate.busy).toBe(2);
  });

  it("serves waiters first come, first served", async () => {
    const gate = new Gate({ slots: 1, maxWaiting: 10, maxWaitMs: 10_000 });
    const order: number[] = [];
    const holder = await gate.enter();
    const waiters = [1, 2, 3].map((n) =>
      gate.enter().then((leave) => {
        order.push(n);
        leave();
      }),
    );
    holder();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(gate.busy).toBe(0);
  });

  it("refuses a caller at once when the queue is full", async () => {
    const gate = new Gate({ slots: 1, maxWaiting: 1, maxWaitMs: 10_000 });
    await gate.enter();
    void gate.enter();
    await expect(gate.enter()).rejects.toMatchObject({
      status: "RESOURCE_EXHAUSTED",
      message: expect.stringContaining("1 requests are already waiting"),
    });
  });

  it("refuses a caller that waited longer than the limit, and forgets it", async () => {
    const gate = new Gate({ slots: 1, maxWaiting: 5, maxWaitMs: 20 });
    const holder = await gate.enter();
    await expect(gate.enter()).rejects.toMatchObject({ status: "RESOURCE_EXHAUSTED" });
    expect(gate.waiting).toBe(0);
    holder();
    expect(gate.busy).toBe(0);
  });

  it("gives a slot back only once, however often its release is called", async () => {
    const gate = new Gate({ slots: 1, maxWaiting: 5, maxWaitMs: 10_000 });
    const leave = await gate.enter();
    leave();
    leave();
    expect(gate.busy).toBe(0);
  });

  it("refuses waiters and later callers with UNAVAILABLE once closed", async () => {
    const gate = new Gate({ slots: 1, maxWaiting: 5, maxWaitMs: 10_000 });
    await gate.enter();
    const waiter = gate.enter();
    gate.close("the database is closed");
    await expect(waiter).rejects.toMatchObject({ status: "UNAVAILABLE" });
    await expect(gate.enter()).rejects.toMatchObject({ status: "UNAVAILABLE" });
  });
});
