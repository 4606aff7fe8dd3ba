// What one request may make the engine do: variables and documents are bounded before execution, and SQL
// an operation runs cannot change the session for the operations after it.
import { beforeAll, describe, expect, it } from "vitest";
import { LruCache } from "../../src/engine/document-cache.ts";
import { EventDelivery } from "../../src/engine/event-delivery.ts";
import type { MutationExecutedEvent } from "../../src/engine/events.ts";
import { type EngineFixture, engine, user } from "../support/engine.ts";

const SCHEMA = `type Item @table(key: "name") { name: String! n: Int! @default(value: 0) tags: Any }`;
const OPS = `
mutation Add($name: String!, $tags: Any) @auth(level: USER) { item_insert(data: {name: $name, tags: $tags}) }
query Some($names: [String!]!) @auth(level: PUBLIC) { items(where: {name: {in: $names}}) { name } }
mutation Poison @auth(level: USER) {
  _execute(sql: "UPDATE item SET n = n WHERE set_config('default_transaction_read_only', 'on', false) IS NULL")
}`;

const nested = (depth: number): unknown => (depth === 0 ? "x" : [nested(depth - 1)]);

describe("limits", () => {
  let e: EngineFixture;
  const events: MutationExecutedEvent[] = [];

  beforeAll(async () => {
    e = await engine(SCHEMA, OPS, [], {
      mutationEvents: new EventDelivery([(event) => void events.push(event)]),
    });
  });

  it("refuses variables nested deeper than 32 levels before running anything", async () => {
    await expect(e.mutate("Add", { name: "deep", tags: nested(40) }, user("u"))).rejects.toMatchObject({
      status: "INVALID_ARGUMENT",
      message: expect.stringContaining("deeper than 32"),
    });
    await expect(e.op("Some", { names: nested(5000) })).rejects.toMatchObject({ status: "INVALID_ARGUMENT" });
    expect(await e.sql("SELECT count(*)::int AS n FROM item WHERE name = 'deep'")).toEqual([{ n: 0 }]);
  });

  it("refuses variables larger than 1 MiB, so every mutation event stays deliverable", async () => {
    events.length = 0;
    await expect(
      e.mutate("Add", { name: "big", tags: "x".repeat(1024 * 1024 + 1) }, user("u")),
    ).rejects.toMatchObject({ status: "INVALID_ARGUMENT", message: expect.stringContaining("larger than") });
    const accepted = await e.mutate(
      "Add",
      { name: "fits", tags: { list: ["x".repeat(500_000)] } },
      user("u"),
    );
    expect(accepted.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(events.map((event) => event.operation)).toEqual(["Add"]);
    expect(() => JSON.stringify(events[0])).not.toThrow();
  });

  it("refuses an ad-hoc document nested deeper than 64 levels, cheaply", async () => {
    const deep = `{ items { ${"name ".repeat(1)}${"... on Item { ".repeat(80)}name${" }".repeat(80)} } }`;
    await expect(e.gql(deep)).rejects.toMatchObject({
      status: "INVALID_ARGUMENT",
      message: expect.stringContaining("nests deeper than 64"),
    });
    const manyTokens = `{ ${"__typename ".repeat(120_000)} }`;
    const res = await e.gql(manyTokens);
    expect(res.errors?.[0]?.message).toMatch(/Document contains more tha[nt] 100000 tokens/);
  });

  it("undoes session settings native SQL changed, before the next operation runs", async () => {
    expect((await e.mutate("Poison", {}, user("u"))).errors).toBeUndefined();
    const after = await e.mutate("Add", { name: "after-poison" }, user("u"));
    expect(after.errors).toBeUndefined();
  });
});

describe("LruCache", () => {
  it("keeps the total weight within its budget, dropping the least recently used first", () => {
    const cache = new LruCache<string, number>(100);
    cache.set("a", 1, 25);
    cache.set("b", 2, 20);
    cache.get("a");
    cache.set("c", 3, 25);
    cache.set("d", 4, 25);
    cache.set("e", 5, 20);
    expect(cache.bytes).toBe(95);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c"), cache.get("d"), cache.get("e")]).toEqual([1, 3, 4, 5]);
  });

  it("does not keep an entry heavier than a quarter of its budget", () => {
    const cache = new LruCache<string, string>(100);
    cache.set("huge", "x", 26);
    expect(cache.size).toBe(0);
  });
});
