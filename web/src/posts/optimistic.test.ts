import { QueryClient } from "@tanstack/react-query";
import { beforeEach, describe, expect, it } from "vitest";
import { runOptimistic } from "./optimistic.ts";

interface Counter {
  liked: boolean;
  count: number;
}

const key = ["engagement", "p1"];
let client: QueryClient;
beforeEach(() => {
  client = new QueryClient();
  client.setQueryData<Counter>(key, { liked: false, count: 3 });
});

const like = (c: Counter): Counter => ({ liked: true, count: c.count + 1 });

/** A server call the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("runOptimistic", () => {
  it("shows the change before the server answers", async () => {
    const server = deferred<string>();
    const done = runOptimistic(client, { key, apply: like, send: () => server.promise });
    await new Promise((r) => setTimeout(r, 0));
    expect(client.getQueryData(key)).toEqual({ liked: true, count: 4 });
    server.resolve("ok");
    await expect(done).resolves.toBe("ok");
    expect(client.getQueryData(key)).toEqual({ liked: true, count: 4 });
  });

  it("rolls the change back and rethrows when the server refuses", async () => {
    const refusal = new Error("you cannot follow this account");
    await expect(
      runOptimistic(client, { key, apply: like, send: () => Promise.reject(refusal) }),
    ).rejects.toBe(refusal);
    expect(client.getQueryData(key)).toEqual({ liked: false, count: 3 });
  });

  it("leaves a newer value alone when rolling back", async () => {
    const server = deferred<void>();
    const done = runOptimistic(client, { key, apply: like, send: () => server.promise });
    await new Promise((r) => setTimeout(r, 0));
    client.setQueryData<Counter>(key, { liked: true, count: 10 }); // a fresh server row arrived
    server.reject(new Error("refused"));
    await expect(done).rejects.toThrow("refused");
    expect(client.getQueryData(key)).toEqual({ liked: true, count: 10 });
  });

  it("adjusts the value with the server's answer", async () => {
    await runOptimistic<Counter & { id?: string }, string>(client, {
      key,
      apply: like,
      send: async () => "repost-42",
      settle: (current, id) => ({ ...current, id }),
    });
    expect(client.getQueryData(key)).toEqual({ liked: true, count: 4, id: "repost-42" });
  });

  it("just asks the server when nothing is cached", async () => {
    const empty = new QueryClient();
    await expect(runOptimistic(empty, { key, apply: like, send: async () => 1 })).resolves.toBe(1);
    expect(empty.getQueryData(key)).toBeUndefined();
  });
});
