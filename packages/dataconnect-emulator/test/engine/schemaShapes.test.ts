import { describe, expect, it } from "vitest";
import { compileProject } from "../../src/engine/project.ts";
import { engine } from "../support/engine.ts";

describe("schema shapes", () => {
  it("reads a one-to-one reverse field as a single object", async () => {
    const e = await engine(
      `type Account @table(key: "uid") { uid: String! } type Profile @table { account: Account! @unique bio: String! }`,
    );
    await e.sql(
      `INSERT INTO account (uid) VALUES ('a'), ('b'); INSERT INTO profile (account_uid, bio) VALUES ('a', 'hello')`.split(
        ";",
      )[0]!,
    );
    await e.sql(`INSERT INTO profile (account_uid, bio) VALUES ('a', 'hello')`);
    const data = await e.data(`{ accounts(orderBy: {uid: ASC}) { uid profile_on_account { bio } } }`);
    expect(data).toEqual({
      accounts: [
        { uid: "a", profile_on_account: { bio: "hello" } },
        { uid: "b", profile_on_account: null },
      ],
    });
  });

  it("names many-to-many fields of a self-join table after the near relation", async () => {
    const e = await engine(`type Person @table(key: "uid") { uid: String! }
      type Follow @table(key: ["follower", "followee"]) { follower: Person! followee: Person! }`);
    await e.sql(`INSERT INTO person (uid) VALUES ('a'), ('b'), ('c')`);
    await e.sql(`INSERT INTO follow (follower_uid, followee_uid) VALUES ('a', 'b'), ('a', 'c'), ('c', 'a')`);
    const data = await e.data(`{ person(key: {uid: "a"}) {
      following: persons_via_Follow_on_follower(orderBy: {followeeUid: ASC}) { uid }
      followers: persons_via_Follow_on_followee { uid } } }`);
    expect(data).toEqual({ person: { following: [{ uid: "b" }, { uid: "c" }], followers: [{ uid: "c" }] } });
  });

  it("looks rows up by a composite key", async () => {
    const e = await engine(`type A @table(key: ["x", "y"]) { x: Int! y: String! v: String }`);
    await e.sql(`INSERT INTO a (x, y, v) VALUES (1, 'p', 'one-p'), (1, 'q', 'one-q')`);
    expect(await e.data(`{ a(key: {x: 1, y: "q"}) { v } }`)).toEqual({ a: { v: "one-q" } });
  });

  it("serves @view(sql) types read-only", async () => {
    const e = await engine(`type Sale @table { amount: Int! region: String! }
      type RegionTotal @view(sql: "SELECT region, sum(amount)::int AS total FROM sale GROUP BY region") { region: String total: Int }`);
    await e.sql(`INSERT INTO sale (amount, region) VALUES (5, 'eu'), (7, 'eu'), (1, 'us')`);
    expect(await e.data(`{ regionTotals(orderBy: {region: ASC}) { region total } }`)).toEqual({
      regionTotals: [
        { region: "eu", total: 12 },
        { region: "us", total: 1 },
      ],
    });
  });

  it("searches @searchable fields, most relevant first, with relevance in _metadata", async () => {
    const e = await engine(
      `type Article @table { title: String! @searchable body: String @searchable(language: "english") views: Int }`,
    );
    await e.sql(`INSERT INTO article (title, body, views) VALUES
      ('Postgres feeds', 'keyset pagination for feeds and more feeds', 10),
      ('Cooking', 'a feed of recipes', 20),
      ('Gardening', 'tomatoes', 30)`);
    const res = await e.data<{ articles_search: { title: string; _metadata: { relevance: number } }[] }>(
      `{ articles_search(query: "feeds") { title _metadata { relevance } } }`,
    );
    expect(res.articles_search.map((a) => a.title)).toEqual(["Postgres feeds", "Cooking"]);
    expect(res.articles_search[0]!._metadata.relevance).toBeGreaterThan(
      res.articles_search[1]!._metadata.relevance,
    );
    const phrase = await e.data(
      `{ articles_search(query: "keyset pagination", queryFormat: PHRASE, where: {views: {lt: 100}}) { title } }`,
    );
    expect(phrase).toEqual({ articles_search: [{ title: "Postgres feeds" }] });
    const ordered = await e.data(`{ articles_search(query: "feed", orderBy: {views: DESC}) { title } }`);
    expect(ordered).toEqual({ articles_search: [{ title: "Cooking" }, { title: "Postgres feeds" }] });
  });

  it("refuses @searchable on anything but String", () => {
    const result = compileProject({
      serviceId: "s",
      pgSchema: "public",
      schemaFiles: [{ path: "schema.gql", text: "type T @table { n: Int @searchable }" }],
      connectors: [],
      sqlFiles: [],
    });
    expect(!result.ok && result.errors[0]!.message).toMatch(/@searchable is only for String fields/);
  });

  it("answers _service with the schema for tools", async () => {
    const e = await engine(`type Tiny @table { n: Int }`);
    const data = await e.data<{ _service: { sdl: string; schema: string } }>(`{ _service { sdl schema } }`);
    expect(data._service.sdl).toContain("type Tiny @table");
    expect(data._service.schema).toContain("tinies(");
  });
});

describe("connector compilation", () => {
  const compile = (ops: string) =>
    compileProject({
      serviceId: "s",
      pgSchema: "public",
      schemaFiles: [{ path: "schema/schema.gql", text: "type Movie @table { title: String! }" }],
      connectors: [{ id: "c", files: [{ path: "connector/queries.gql", text: ops }] }],
      sqlFiles: [],
    });

  it("reports an unknown field with the connector file, line and column", () => {
    const result = compile(`query M @auth(level: PUBLIC) {\n  movies { titel }\n}`);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors[0]).toMatchObject({
        file: "connector/queries.gql",
        line: 2,
        column: 12,
        message: expect.stringMatching(/titel/),
      });
  });

  it("refuses native SQL passed through a variable", () => {
    const result = compile(`query Q($sql: SQL_Query!) @auth(level: PUBLIC) { _select(sql: $sql) }`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toMatch(/must be a string literal/);
  });

  it("requires every operation to be named, once", () => {
    const unnamed = compile(`query @auth(level: PUBLIC) { movies { title } }`);
    expect(!unnamed.ok && unnamed.errors[0]!.message).toMatch(/needs a name/);
    const twice = compile(
      `query A @auth(level: PUBLIC) { movies { title } } query A @auth(level: PUBLIC) { movies { title } }`,
    );
    expect(twice.ok).toBe(false);
  });
});
