import { afterEach, describe, expect, it, vi } from "vitest";
import { type BackChannelSink, type ChannelLimits, ChannelSession } from "../../src/webchannel/channel.ts";

const LIMITS: ChannelLimits = {
  keepaliveMs: 20_000,
  sessionIdleMs: 60_000,
  recycleBytes: 1 << 20,
  maxUnackedBytes: 1 << 22,
  maxEarlyMaps: 10,
  maxEarlyBytes: 1 << 20,
};

/** A fake back channel recording the arrays written to it. */
function sink() {
  const chunks: string[] = [];
  let ended = false;
  const s: BackChannelSink = {
    write: (text) => chunks.push(text),
    end: () => {
      ended = true;
    },
  };
  return {
    s,
    /** Every array received, decoded from the length-prefixed chunks. */
    arrays: () =>
      chunks.flatMap((c) => {
        const nl = c.indexOf("\n");
        expect(Number(c.slice(0, nl))).toBe(c.length - nl - 1);
        return JSON.parse(c.slice(nl + 1)) as [number, unknown[]][];
      }),
    get ended() {
      return ended;
    },
  };
}

function session(limits: Partial<ChannelLimits> = {}) {
  const messages: string[] = [];
  let closed = 0;
  const channel = new ChannelSession(
    "sid",
    { ...LIMITS, ...limits },
    {
      message: (json) => messages.push(json),
      closed: () => closed++,
    },
  );
  return { channel, messages, closedCount: () => closed };
}

const tick = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  vi.useRealTimers();
});

describe("a WebChannel session", () => {
  it("delivers client messages once each and in order, whatever order they arrive in", () => {
    const { channel, messages } = session();
    channel.receive([{ id: 0, json: "a" }]);
    channel.receive([{ id: 2, json: "c" }]);
    channel.receive([
      { id: 0, json: "a" },
      { id: 1, json: "b" },
    ]);
    channel.receive([{ id: 2, json: "c" }]);
    expect(messages).toEqual(["a", "b", "c"]);
  });

  it("gives a long poll what is pending, in one chunk, and ends it", async () => {
    const { channel } = session();
    channel.send([{ n: 1 }]);
    channel.send([{ n: 2 }]);
    const poll = sink();
    channel.attach(poll.s, false, Number.POSITIVE_INFINITY);
    expect(poll.arrays()).toEqual([
      [1, [{ n: 1 }]],
      [2, [{ n: 2 }]],
    ]);
    expect(poll.ended).toBe(true);
  });

  it("holds an idle long poll until something is sent", async () => {
    const { channel } = session();
    const poll = sink();
    channel.attach(poll.s, false, Number.POSITIVE_INFINITY);
    expect(poll.arrays()).toEqual([]);
    channel.send([{ late: true }]);
    await tick();
    expect(poll.arrays()).toEqual([[1, [{ late: true }]]]);
    expect(poll.ended).toBe(true);
  });

  it("answers a long poll nobody writes to with a keep-alive when it times out", () => {
    vi.useFakeTimers();
    const { channel } = session();
    const poll = sink();
    channel.attach(poll.s, false, 5_000);
    vi.advanceTimersByTime(5_000);
    vi.runAllTicks();
    vi.advanceTimersToNextTimer();
    expect(poll.arrays()).toEqual([[1, ["noop"]]]);
    expect(poll.ended).toBe(true);
  });

  it("re-sends what a lost back channel carried until the client acknowledges it", async () => {
    const { channel } = session();
    const first = sink();
    channel.attach(first.s, true, Number.POSITIVE_INFINITY);
    channel.send(["a"]);
    channel.send(["b"]);
    await tick();
    expect(first.arrays().map(([id]) => id)).toEqual([1, 2, 3]); // a keep-alive first, then a and b
    channel.detach(first.s); // the connection dropped
    channel.acknowledge(2); // the client saw the keep-alive and "a" only
    const second = sink();
    channel.attach(second.s, true, Number.POSITIVE_INFINITY);
    expect(second.arrays()).toEqual([[3, ["b"]]]);
  });

  it("streams a keep-alive at once, then each tick's messages as they come, without ending", async () => {
    const { channel } = session();
    const stream = sink();
    channel.attach(stream.s, true, Number.POSITIVE_INFINITY);
    expect(stream.arrays()).toEqual([[1, ["noop"]]]);
    channel.send(["x"]);
    channel.send(["y"]);
    await tick();
    channel.send(["z"]);
    await tick();
    expect(stream.arrays()).toEqual([
      [1, ["noop"]],
      [2, ["x"]],
      [3, ["y"]],
      [4, ["z"]],
    ]);
    expect(stream.ended).toBe(false);
  });

  it("ends a streaming back channel once too much is unacknowledged, so the client reopens it", async () => {
    const { channel } = session({ recycleBytes: 100 });
    const stream = sink();
    channel.attach(stream.s, true, Number.POSITIVE_INFINITY);
    channel.send(["x".repeat(200)]);
    await tick();
    expect(stream.ended).toBe(true);
  });

  it("reports the back channel, the last array and the unacknowledged bytes to forward requests", async () => {
    const { channel } = session();
    expect(channel.forwardResponse()).toEqual([0, 0, 0]);
    const stream = sink();
    channel.attach(stream.s, true, Number.POSITIVE_INFINITY);
    expect(channel.forwardResponse()).toEqual([1, 1, '[1,["noop"]]'.length]);
    channel.acknowledge(1);
    expect(channel.forwardResponse()).toEqual([1, 1, 0]);
  });

  it("closes after idling without a back channel or requests", () => {
    vi.useFakeTimers();
    const { channel, closedCount } = session({ sessionIdleMs: 1_000 });
    vi.advanceTimersByTime(900);
    channel.touch();
    vi.advanceTimersByTime(900);
    expect(closedCount()).toBe(0);
    vi.advanceTimersByTime(200);
    expect(closedCount()).toBe(1);
    expect(channel.closed).toBe(true);
  });

  it("never idles out while a back channel is open", () => {
    vi.useFakeTimers();
    const { channel, closedCount } = session({ sessionIdleMs: 1_000, keepaliveMs: 100_000 });
    channel.attach(sink().s, true, Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(10_000);
    expect(closedCount()).toBe(0);
  });

  it("drops a client that falls too far behind", () => {
    const { channel, closedCount } = session({ maxUnackedBytes: 1_000 });
    channel.send(["x".repeat(2_000)]);
    expect(closedCount()).toBe(1);
  });

  it("drops a client whose messages leave too large a gap", () => {
    const { channel, messages, closedCount } = session({ maxEarlyMaps: 2 });
    channel.receive([1, 2, 3].map((id) => ({ id, json: String(id) })));
    expect(messages).toEqual([]);
    expect(closedCount()).toBe(1);
  });

  it("drops a client whose messages waiting behind a gap hold too many bytes", () => {
    const { channel, messages, closedCount } = session({ maxEarlyMaps: 10, maxEarlyBytes: 1_000 });
    channel.receive([{ id: 1, json: "x".repeat(600) }]);
    expect(closedCount()).toBe(0);
    channel.receive([{ id: 2, json: "y".repeat(600) }]);
    expect(messages).toEqual([]);
    expect(closedCount()).toBe(1);
  });

  it("counts only the messages still waiting against the gap's byte limit", () => {
    const { channel, messages, closedCount } = session({ maxEarlyBytes: 1_000 });
    channel.receive([{ id: 1, json: "x".repeat(600) }]);
    channel.receive([{ id: 0, json: "a" }]);
    channel.receive([{ id: 3, json: "y".repeat(600) }]);
    expect(messages).toEqual(["a", "x".repeat(600)]);
    expect(closedCount()).toBe(0);
  });

  it("ends the back channel and sends nothing more once closed", async () => {
    const { channel } = session();
    const stream = sink();
    channel.attach(stream.s, true, Number.POSITIVE_INFINITY);
    channel.close();
    channel.send(["after"]);
    await tick();
    expect(stream.ended).toBe(true);
    expect(stream.arrays()).toEqual([[1, ["noop"]]]);
  });
});
