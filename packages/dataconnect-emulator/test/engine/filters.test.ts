import { beforeAll, describe, expect, it } from "vitest";
import { type EngineFixture, engine, user } from "../support/engine.ts";

const SCHEMA = `
enum Status { DRAFT PUBLISHED ARCHIVED }
type Author @table(key: "uid") { uid: String! name: String! }
type Item @table {
  name: String!
  score: Int
  price: Float
  big: Int64
  status: Status!
  tags: [String!]
  on: Date
  at: Timestamp
  owner: Author
}
`;

describe("filters, ordering and paging", () => {
  let e: EngineFixture;
  const names = async (where: string, extra = "") =>
    (
      await e.data<{ items: { name: string }[] }>(
        `{ items(where: ${where}, orderBy: {name: ASC}${extra}) { name } }`,
      )
    ).items.map((i) => i.name);

  beforeAll(async () => {
    e = await engine(SCHEMA);
    await e.sql(`INSERT INTO author (uid, name) VALUES ('ann', 'Ann'), ('bob', 'Bob')`);
    await e.sql(`INSERT INTO item (name, score, price, big, status, tags, "on", at, owner_uid) VALUES
      ('alpha', 1, 1.5, 10, 'DRAFT', '{red,blue}', '2026-01-01', now() - interval '2 days', 'ann'),
      ('beta', 2, 2.5, 20, 'PUBLISHED', '{blue}', '2026-02-01', now() - interval '10 days', 'bob'),
      ('gamma', NULL, NULL, NULL, 'ARCHIVED', NULL, NULL, NULL, NULL),
      ('100%_off', 3, 0.5, 30, 'PUBLISHED', '{}', '2025-12-31', now(), 'ann')`);
  });

  it("compares with eq, ne, gt, ge, lt, le", async () => {
    expect(await names("{score: {eq: 2}}")).toEqual(["beta"]);
    expect(await names("{score: {ne: 2}}")).toEqual(["100%_off", "alpha"]);
    expect(await names("{score: {gt: 1, le: 3}}")).toEqual(["100%_off", "beta"]);
    expect(await names("{price: {lt: 1.5}}")).toEqual(["100%_off"]);
    expect(await names(`{big: {ge: "20"}}`)).toEqual(["100%_off", "beta"]);
  });

  it("tests for null with isNull", async () => {
    expect(await names("{score: {isNull: true}}")).toEqual(["gamma"]);
    expect(await names("{score: {isNull: false}}")).toEqual(["100%_off", "alpha", "beta"]);
  });

  it("ignores an operator whose operand is null", async () => {
    expect(
      await e.data(`query($s: Int) { items(where: {score: {eq: $s}}) { name } }`, { s: null }),
    ).toMatchObject({ items: { length: 4 } });
  });

  it("matches in and nin lists", async () => {
    expect(await names(`{status: {in: [DRAFT, ARCHIVED]}}`)).toEqual(["alpha", "gamma"]);
    expect(await names(`{name: {nin: ["alpha", "beta"]}}`)).toEqual(["100%_off", "gamma"]);
  });

  it("matches strings with contains, startsWith, endsWith (wildcards taken literally) and patterns", async () => {
    expect(await names(`{name: {contains: "%_"}}`)).toEqual(["100%_off"]);
    expect(await names(`{name: {startsWith: "al"}}`)).toEqual(["alpha"]);
    expect(await names(`{name: {endsWith: "ta"}}`)).toEqual(["beta"]);
    expect(await names(`{name: {pattern: {like: "%MM%", ignoreCase: true}}}`)).toEqual(["gamma"]);
    expect(await names(`{name: {pattern: {regex: "^(alpha|beta)$"}}}`)).toEqual(["alpha", "beta"]);
  });

  it("combines conditions with _and, _or and _not", async () => {
    expect(await names(`{_or: [{score: {eq: 1}}, {status: {eq: ARCHIVED}}]}`)).toEqual(["alpha", "gamma"]);
    expect(await names(`{_and: [{status: {eq: PUBLISHED}}, {_not: {score: {eq: 3}}}]}`)).toEqual(["beta"]);
  });

  it("filters list columns with includes, excludes, includesAll and excludesAll", async () => {
    expect(await names(`{tags: {includes: "blue"}}`)).toEqual(["alpha", "beta"]);
    expect(await names(`{tags: {excludes: "blue"}}`)).toEqual(["100%_off", "gamma"]);
    expect(await names(`{tags: {includesAll: ["red", "blue"]}}`)).toEqual(["alpha"]);
    expect(await names(`{tags: {excludesAll: ["red", "green"]}}`)).toEqual(["100%_off", "beta", "gamma"]);
  });

  it("filters through a many-to-one relation", async () => {
    expect(await names(`{owner: {name: {eq: "Ann"}}}`)).toEqual(["100%_off", "alpha"]);
  });

  it("filters timestamps relative to the request time and dates relative to today", async () => {
    expect(await names(`{at: {ge_time: {now: true, sub: {days: 5}}}}`)).toEqual(["100%_off", "alpha"]);
    expect(await names(`{on: {lt_date: {on: "2026-01-15", sub: {days: 14}}}}`)).toEqual(["100%_off"]);
  });

  it("compares with server values through _expr", async () => {
    const res = await e.gql(
      `query @auth(level: USER) { items(where: {owner: {uid: {eq_expr: "auth.uid"}}}, orderBy: {name: ASC}) { name } }`,
      {},
      user("bob"),
    );
    expect(res).toEqual({ data: { items: [{ name: "beta" }] }, errors: [] });
  });

  it("orders by several fields, nulls as Postgres places them, and by a relation's field", async () => {
    const byScore = await e.data<{ items: { name: string }[] }>(
      `{ items(orderBy: [{score: DESC}]) { name } }`,
    );
    expect(byScore.items.map((i) => i.name)).toEqual(["gamma", "100%_off", "beta", "alpha"]);
    const byOwner = await e.data<{ items: { name: string }[] }>(
      `{ items(where: {owner: {uid: {isNull: false}}}, orderBy: [{owner: {name: DESC}}, {name: ASC}]) { name } }`,
    );
    expect(byOwner.items.map((i) => i.name)).toEqual(["beta", "100%_off", "alpha"]);
  });

  it("pages with limit and offset", async () => {
    expect(await names("{}", ", limit: 2, offset: 1")).toEqual(["alpha", "beta"]);
  });

  it("returns distinct rows", async () => {
    expect(await e.data(`{ items(distinct: true, where: {status: {eq: PUBLISHED}}) { status } }`)).toEqual({
      items: [{ status: "PUBLISHED" }],
    });
  });

  it("finds the first row of where + orderBy", async () => {
    expect(
      await e.data(`{ item(first: {where: {status: {eq: PUBLISHED}}, orderBy: {score: DESC}}) { name } }`),
    ).toEqual({ item: { name: "100%_off" } });
  });

  it("returns enum values by name", async () => {
    expect(await e.data(`{ item(first: {where: {name: {eq: "alpha"}}}) { status } }`)).toEqual({
      item: { status: "DRAFT" },
    });
  });
});
