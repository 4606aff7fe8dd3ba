// The refresh hub's scheduling, with a scripted service: which runs happen and which results are sent.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Gate } from "../../src/db/gate.ts";
import type { CommittedMutation, RefreshWatch } from "../../src/engine/refresh.ts";
import type { Caller, GraphqlResponse, Service, SubscriptionRun } from "../../src/engine/types.ts";
import { RequestError } from "../../src/errors.ts";
import { ServiceHolder } from "../../src/protocol/service-holder.ts";
import { RefreshHub, type SubscriberSink } from "../../src/realtime/hub.ts";
import { silentLogger } from "../../src/runtime/log.ts";

/** A service whose query result is `state.value`; each run can be held until released. */
function scriptedService(
  options: {
    everyMs?: number;
    hold?: boolean;
    sameForEveryone?: boolean;
    gate?: Gate;
    failWith?: () => RequestError | undefined;
  } = {},
) {
  const state = { value: 0, runs: 0, done: 0, callers: [] as Caller[] };
  const held: (() => void)[] = [];
  const watch: RefreshWatch = {
    everyMs: options.everyMs,
    operations: ["Bump"],
    entities: [],
    sameForEveryone: options.sameForEveryone ?? false,
    affectedBy: (m) => m.operationName === "Bump",
  };
  const service: Service = {
    serviceId: "svc",
    executeConnector: async () => ({ data: null }),
    executeGraphql: async () => ({ data: null }),
    async subscribeQuery(request): Promise<SubscriptionRun> {
      state.runs++;
      state.callers.push(request.caller);
      if (request.operationName === "Denied") throw new RequestError("PERMISSION_DENIED", "no");
      const failure = options.failWith?.();
      if (failure) throw failure;
      // As the engine does: every run takes a database session through the gate.
      const leave = options.gate ? await options.gate.enter() : () => {};
      try {
        const value = state.value; // what the query reads when it starts
        if (options.hold) await new Promise<void>((resolve) => held.push(resolve));
        if (options.gate) await tick(); // a round trip to the database
        return { response: { data: { value } }, watch };
      } finally {
        state.done++;
        leave();
      }
    },
  };
  const services = new ServiceHolder();
  void services.swap(service);
  const releaseAll = () => {
    for (const release of held.splice(0)) release();
  };
  return { state, services, releaseAll };
}

function sink(uid: string | null = "alice") {
  const sent: { response: GraphqlResponse; final: boolean }[] = [];
  const caller: Caller = { kind: "user", auth: uid ? { uid, token: { sub: uid } } : null };
  const s: SubscriberSink = {
    caller: () => caller,
    send: (response, final) => sent.push({ response, final }),
  };
  return {
    sink: s,
    sent,
    values: () => sent.map((x) => (x.response.data as { value: number } | null)?.value),
  };
}

const bump: CommittedMutation = { operationName: "Bump", variables: {}, auth: null, entities: [] };
const tick = () => new Promise((resolve) => setImmediate(resolve));
async function settle() {
  for (let i = 0; i < 5; i++) await tick();
}

afterEach(() => vi.useRealTimers());

describe("RefreshHub", () => {
  it("sends the first result, then one per committed mutation that concerns it", async () => {
    const { state, services } = scriptedService();
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    state.value = 1;
    hub.mutationCommitted(bump);
    await settle();
    hub.mutationCommitted({ ...bump, operationName: "Other" });
    await settle();
    expect(a.values()).toEqual([0, 1]);
  });

  it("coalesces a burst of commits into one run", async () => {
    const { state, services } = scriptedService();
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    const runsBefore = state.runs;
    state.value = 5;
    for (let i = 0; i < 5; i++) hub.mutationCommitted(bump);
    await settle();
    expect(state.runs - runsBefore).toBe(1);
    expect(a.values()).toEqual([0, 5]);
  });

  it("drops a result computed before a commit that landed meanwhile, and sends the re-run's", async () => {
    const { state, services, releaseAll } = scriptedService({ hold: true });
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle(); // the first run is in flight, reading value 0 …
    state.value = 1;
    hub.mutationCommitted(bump); // … when a commit lands
    releaseAll();
    await settle();
    releaseAll();
    await settle();
    expect(a.values()).toEqual([1]);
  });

  it("under writes that keep overtaking its runs, still sends a result, then the latest", async () => {
    const { state, services, releaseAll } = scriptedService({ hold: true });
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    for (let value = 1; value <= 4; value++) {
      state.value = value;
      hub.mutationCommitted(bump);
      await settle(); // the commit is seen while the run is still in flight
      releaseAll();
      await settle();
    }
    releaseAll();
    await settle();
    expect(a.values()).toEqual([3, 4]);
  });

  it("runs identical subscriptions of the same user once, and other users' separately", async () => {
    const { state, services } = scriptedService();
    const hub = new RefreshHub({ services, log: silentLogger });
    const [a1, a2, b] = [sink("alice"), sink("alice"), sink("bob")];
    for (const s of [a1, a2, b])
      hub.subscribe({ connector: "c", operationName: "Q", variables: { x: 1 } }, s.sink);
    await settle();
    expect(state.runs).toBe(2);
    expect(state.callers.map((c) => (c.kind === "user" ? c.auth?.uid : "admin")).sort()).toEqual([
      "alice",
      "bob",
    ]);
    expect([a1, a2, b].map((s) => s.values())).toEqual([[0], [0], [0]]);
  });

  it("shares one run across identities once the query is known to answer everyone alike", async () => {
    const { state, services } = scriptedService({ sameForEveryone: true });
    const hub = new RefreshHub({ services, log: silentLogger });
    const subscribers = [sink("alice"), sink("bob"), sink(null)];
    for (const s of subscribers) hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, s.sink);
    await settle();
    expect(state.runs).toBe(3); // first runs: nothing is known yet
    state.value = 1;
    hub.mutationCommitted(bump);
    await settle();
    expect(state.runs).toBe(4);
    expect(subscribers.map((s) => s.values())).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
  });

  it("ends a subscription its query refuses, saying so once", async () => {
    const { services } = scriptedService();
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Denied", variables: {} }, a.sink);
    await settle();
    expect(a.sent).toEqual([
      {
        response: { data: null, errors: [{ message: "no", extensions: { code: "PERMISSION_DENIED" } }] },
        final: true,
      },
    ]);
    expect(hub.size).toBe(0);
  });

  it("polls every period but only sends results that changed", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { state, services } = scriptedService({ everyMs: 10_000 });
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    vi.advanceTimersByTime(10_000);
    await settle();
    state.value = 2;
    vi.advanceTimersByTime(10_000);
    await settle();
    expect(state.runs).toBe(3);
    expect(a.values()).toEqual([0, 2]);
    hub.close();
  });

  it("resends an unchanged result when asked to resume", async () => {
    const { services } = scriptedService();
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    const subscription = hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    subscription.resume();
    await settle();
    expect(a.values()).toEqual([0, 0]);
  });

  it("stops refreshing a cancelled subscription", async () => {
    const { state, services } = scriptedService();
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    const subscription = hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    subscription.cancel();
    state.value = 9;
    hub.mutationCommitted(bump);
    await settle();
    expect(a.values()).toEqual([0]);
    expect(hub.size).toBe(0);
  });

  it("pushes nothing when a committed mutation left the subscriber's result as it was", async () => {
    const { state, services } = scriptedService();
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    hub.mutationCommitted(bump); // re-run: same value
    await settle();
    expect(state.runs).toBe(2);
    expect(a.values()).toEqual([0]);
  });

  it("keeps a refresh storm to 8 places in the database's queue, so a request waits behind 8 runs at most", async () => {
    const gate = new Gate({ slots: 1, maxWaiting: 1000, maxWaitMs: 60_000 });
    const { state, services } = scriptedService({ gate });
    const hub = new RefreshHub({ services, log: silentLogger });
    // 100 users: 100 runs, none shared.
    for (let i = 0; i < 100; i++)
      hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, sink(`u${i}`).sink);
    await settle();
    await vi.waitFor(() => expect(state.done).toBe(100));
    hub.mutationCommitted(bump);
    await tick(); // the storm is queued …
    expect(gate.busy + gate.waiting).toBeLessThanOrEqual(8);
    const leave = await gate.enter(); // … and a request's turn comes after at most 8 of its runs
    expect(state.done - 100).toBeLessThanOrEqual(8);
    leave();
    await vi.waitFor(() => expect(state.done).toBe(200));
  });

  it("retries after the database's back-pressure (RESOURCE_EXHAUSTED) without telling the subscriber", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let overloaded = true;
    const { state, services } = scriptedService({
      failWith: () =>
        overloaded ? new RequestError("RESOURCE_EXHAUSTED", "the database is overloaded") : undefined,
    });
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    expect(a.sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    await settle();
    expect(a.sent).toEqual([]); // still overloaded: the next try waits longer
    overloaded = false;
    state.value = 3;
    vi.advanceTimersByTime(2000);
    await settle();
    expect(a.values()).toEqual([3]);
    expect(hub.size).toBe(1);
    hub.close();
  });

  it("reports a transient error once, keeps the subscription, and sends the result once it runs again", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let down = true;
    const { services } = scriptedService({
      failWith: () =>
        down ? new RequestError("UNAVAILABLE", "the Data Connect emulator is starting") : undefined,
    });
    const hub = new RefreshHub({ services, log: silentLogger });
    const a = sink();
    hub.subscribe({ connector: "c", operationName: "Q", variables: {} }, a.sink);
    await settle();
    vi.advanceTimersByTime(1000);
    await settle();
    down = false;
    vi.advanceTimersByTime(2000);
    await settle();
    expect(a.sent.map((x) => x.response.errors?.[0]?.extensions?.code ?? x.response.data)).toEqual([
      "UNAVAILABLE",
      { value: 0 },
    ]);
    expect(a.sent.every((x) => !x.final)).toBe(true);
    hub.close();
  });
});
