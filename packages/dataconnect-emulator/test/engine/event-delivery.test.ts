import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { EventDelivery, PermanentDeliveryError } from "../../src/engine/event-delivery.ts";
import { httpEventSink, type MutationExecutedEvent, mutationExecutedEvent } from "../../src/engine/events.ts";

const event = (operation = "AddNote"): MutationExecutedEvent =>
  mutationExecutedEvent({
    project: "demo",
    location: "us-central1",
    service: "svc",
    connector: "main",
    operation,
    caller: { kind: "admin" },
    variables: { body: "x" },
    data: { note_insert: { id: "1" } },
    errors: [],
  });

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("EventDelivery", () => {
  it("returns before any sink runs: publishing never waits for delivery", () => {
    let ran = false;
    const delivery = new EventDelivery([
      () => {
        ran = true;
      },
    ]);
    delivery.publish(event());
    expect(ran).toBe(false);
  });

  it("retries a failing sink with growing delays until it takes the event", async () => {
    const times: number[] = [];
    const delivered: string[] = [];
    const delivery = new EventDelivery(
      [
        (e) => {
          times.push(Date.now());
          if (times.length < 4) throw new Error("not yet");
          delivered.push(e.operation);
        },
      ],
      { baseDelayMs: 20, log: () => {} },
    );
    delivery.publish(event());
    await until(() => delivered.length === 1);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 20, 40, 80 ms with jitter down to half: each wait at least half the nominal delay, and growing overall.
    expect(gaps[0]).toBeGreaterThanOrEqual(10);
    expect(gaps[2]).toBeGreaterThanOrEqual(40);
    expect(delivery.queued).toBe(0);
  });

  it("drops an event after its last attempt and logs why", async () => {
    const logs: string[] = [];
    const delivery = new EventDelivery([() => Promise.reject(new Error("relay down"))], {
      maxAttempts: 2,
      baseDelayMs: 1,
      log: (m) => logs.push(m),
    });
    delivery.publish(event("LikePost"));
    await until(() => logs.length === 1);
    expect(logs[0]).toMatch(/mutation event LikePost \(.+\) dropped after 2 attempts: relay down/);
    expect(delivery.queued).toBe(0);
  });

  it("does not retry what the sink refused for good", async () => {
    let attempts = 0;
    const logs: string[] = [];
    const delivery = new EventDelivery(
      [
        () => {
          attempts++;
          throw new PermanentDeliveryError("answered 400");
        },
      ],
      { log: (m) => logs.push(m) },
    );
    delivery.publish(event());
    await until(() => logs.length === 1);
    expect(attempts).toBe(1);
    expect(logs[0]).toMatch(/dropped after 1 attempt: answered 400/);
  });

  it("keeps at most maxQueued events per sink, dropping (and logging) the ones that do not fit", async () => {
    const logs: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    const delivery = new EventDelivery(
      [
        async (e) => {
          await gate;
          delivered.push(e.operation);
        },
      ],
      { maxQueued: 3, concurrency: 1, log: (m) => logs.push(m) },
    );
    for (const op of ["A", "B", "C", "D", "E"]) delivery.publish(event(op));
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/mutation event D .* 3 events already wait for this sink/);
    release();
    await until(() => delivered.length === 3);
    expect(delivered).toEqual(["A", "B", "C"]);
  });

  it("on close, waits for deliveries in flight and drops retries scheduled for later", async () => {
    const logs: string[] = [];
    let calls = 0;
    const delivery = new EventDelivery(
      [
        async (e) => {
          calls++;
          if (e.operation === "Fails") throw new Error("down");
          await new Promise((r) => setTimeout(r, 30));
        },
      ],
      { baseDelayMs: 60_000, log: (m) => logs.push(m) },
    );
    delivery.publish(event("Fails"));
    delivery.publish(event("Slow"));
    await until(() => calls === 2);
    await delivery.close(1000);
    expect(delivery.queued).toBe(0);
    expect(logs).toEqual([expect.stringMatching(/mutation event Fails .* the emulator is stopping/)]);
  });
});

describe("httpEventSink", () => {
  const serve = async (statuses: number[]) => {
    const seen: number[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const status = statuses[Math.min(seen.length, statuses.length - 1)]!;
        seen.push(status);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, seen };
  };

  it("has a server error retried until the receiver takes the event", async () => {
    const { url, seen } = await serve([500, 503, 200]);
    const delivery = new EventDelivery([httpEventSink(url)], { baseDelayMs: 5, log: () => {} });
    delivery.publish(event());
    await until(() => seen.includes(200));
    expect(seen).toEqual([500, 503, 200]);
  });

  it("drops an event the receiver refuses with a client error, at once", async () => {
    const { url, seen } = await serve([400]);
    const logs: string[] = [];
    const delivery = new EventDelivery([httpEventSink(url)], { baseDelayMs: 5, log: (m) => logs.push(m) });
    delivery.publish(event());
    await until(() => logs.length === 1);
    expect(seen).toEqual([400]);
    expect(logs[0]).toMatch(/dropped after 1 attempt: event sink .* answered 400/);
  });
});
