import { beforeEach, describe, expect, it } from "vitest";
import type { Caller } from "../../src/engine/types.ts";
import { type EngineFixture, engine, user } from "../support/engine.ts";

const SCHEMA = `
type User @table(key: "uid") { uid: String! name: String! }
type Post @table {
  author: User!
  body: String!
  likes: Int! @default(value: 0)
  tags: [String!]
  createdAt: Timestamp! @default(expr: "request.time")
  createdBy: String @default(expr: "auth.uid")
}
type Like @table(key: ["user", "post"]) { user: User! post: Post! }
`;

describe("mutations", () => {
  let e: EngineFixture;
  const run = (doc: string, vars: Record<string, unknown> = {}, caller: Caller = user("ann")) =>
    e.gql(doc, vars, caller);
  const admin = (doc: string) => e.gql(doc, {}, { kind: "admin" });

  beforeEach(async () => {
    e = await engine(SCHEMA);
    await e.sql(`INSERT INTO "user" (uid, name) VALUES ('ann', 'Ann'), ('bob', 'Bob')`);
  });

  it("inserts and returns the new row's key, filling server values and @default(expr)s", async () => {
    const res = await run(
      `mutation @auth(level: USER) { post_insert(data: {authorUid_expr: "auth.uid", body: "hi"}) }`,
    );
    expect(res.errors).toEqual([]);
    const key = (res.data as { post_insert: { id: string } }).post_insert;
    expect(key.id).toMatch(/^[0-9a-f]{32}$/);
    const [row] = await e.sql<{ author_uid: string; likes: number; created_by: string }>(
      `SELECT author_uid, likes, created_by FROM post`,
    );
    expect(row).toEqual({ author_uid: "ann", likes: 0, created_by: "ann" });
  });

  it("writes relative times and list fields from data", async () => {
    await e.data(
      `mutation { post_insert(data: {authorUid: "ann", body: "old", createdAt_time: {at: "2026-03-10T15:30:00Z", sub: {days: 1}, truncateTo: DAY}, tags: ["x", "y"]}) }`,
    );
    expect(await e.sql(`SELECT to_char(created_at, 'YYYY-MM-DD HH24:MI') AS at, tags FROM post`)).toEqual([
      { at: "2026-03-09 00:00", tags: ["x", "y"] },
    ]);
  });

  it("connects a relation by key and returns a composite key", async () => {
    const post = await e.data<{ post_insert: { id: string } }>(
      `mutation { post_insert(data: {author: {uid: "bob"}, body: "x"}) }`,
    );
    const like = await e.data(
      `mutation($p: UUID!) { like_insert(data: {user: {uid: "ann"}, post: {id: $p}}) }`,
      { p: post.post_insert.id },
    );
    expect(like).toEqual({ like_insert: { userUid: "ann", postId: post.post_insert.id } });
  });

  it("inserts many rows and returns their keys in order", async () => {
    const data = await e.data<{ post_insertMany: { id: string }[] }>(
      `mutation { post_insertMany(data: [{authorUid: "ann", body: "1"}, {authorUid: "bob", body: "2", likes: 5}]) }`,
    );
    expect(data.post_insertMany).toHaveLength(2);
    const rows = await e.sql<{ id: string; body: string; likes: number }>(
      `SELECT replace(id::text, '-', '') AS id, body, likes FROM post`,
    );
    expect(data.post_insertMany.map((k) => rows.find((r) => r.id === k.id)?.body)).toEqual(["1", "2"]);
  });

  it("upserts by primary key: inserts once, then updates the fields given", async () => {
    const doc = `mutation($n: String!) { user_upsert(data: {uid: "cat", name: $n}) }`;
    expect(await e.data(doc, { n: "Cat" })).toEqual({ user_upsert: { uid: "cat" } });
    expect(await e.data(doc, { n: "Catherine" })).toEqual({ user_upsert: { uid: "cat" } });
    expect(await e.sql(`SELECT name FROM "user" WHERE uid = 'cat'`)).toEqual([{ name: "Catherine" }]);
  });

  it("updates by key with operators and answers null when no row matched", async () => {
    const { post_insert } = await e.data<{ post_insert: { id: string } }>(
      `mutation { post_insert(data: {authorUid: "ann", body: "b", tags: ["a"]}) }`,
    );
    const res = await e.data(
      `mutation($id: UUID!) { post_update(id: $id, data: {likes_update: [{inc: 3}, {dec: 1}], tags_update: [{append: ["b"]}, {prepend: ["z"]}, {add: ["a", "c", "c"]}, {remove: ["z"]}]}) }`,
      { id: post_insert.id },
    );
    expect(res).toEqual({ post_update: post_insert });
    expect(await e.sql(`SELECT likes, tags FROM post`)).toEqual([{ likes: 2, tags: ["a", "b", "c"] }]);
    expect(
      await e.data(
        `mutation { post_update(id: "00000000-0000-4000-8000-000000000000", data: {body: "nope"}) }`,
      ),
    ).toEqual({ post_update: null });
  });

  it("updates and deletes many rows, refusing to touch all rows without all: true", async () => {
    await e.data(
      `mutation { post_insertMany(data: [{authorUid: "ann", body: "1"}, {authorUid: "ann", body: "2"}, {authorUid: "bob", body: "3"}]) }`,
    );
    expect(
      await e.data(`mutation { post_updateMany(where: {authorUid: {eq: "ann"}}, data: {likes: 9}) }`),
    ).toEqual({ post_updateMany: 2 });
    const refused = await admin(`mutation { post_deleteMany }`);
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/needs all: true/),
      extensions: { code: "INVALID_ARGUMENT" },
    });
    expect(await e.data(`mutation { post_deleteMany(where: {likes: {eq: 9}}) }`)).toEqual({
      post_deleteMany: 2,
    });
    expect(await e.data(`mutation { post_deleteMany(all: true) }`)).toEqual({ post_deleteMany: 1 });
  });

  it("deletes one row by key and cascades to rows that require it", async () => {
    const { post_insert } = await e.data<{ post_insert: { id: string } }>(
      `mutation { post_insert(data: {authorUid: "bob", body: "b"}) }`,
    );
    await e.data(`mutation($p: UUID!) { like_insert(data: {userUid: "ann", postId: $p}) }`, {
      p: post_insert.id,
    });
    expect(await e.data(`mutation { user_delete(key: {uid: "bob"}) }`)).toEqual({
      user_delete: { uid: "bob" },
    });
    expect(await e.sql(`SELECT count(*)::int AS n FROM "like"`)).toEqual([{ n: 0 }]);
  });

  it("reports a constraint violation on the field, naming the constraint, and keeps serving", async () => {
    const res = await admin(`mutation { user_insert(data: {uid: "ann", name: "again"}) }`);
    expect(res.data).toEqual({ user_insert: null });
    expect(res.errors?.[0]).toMatchObject({
      path: ["user_insert"],
      extensions: { code: "ALREADY_EXISTS" },
      message: expect.stringMatching(/user_pkey/),
    });
    const fk = await admin(`mutation { post_insert(data: {authorUid: "nobody", body: "x"}) }`);
    expect(fk.errors?.[0]).toMatchObject({
      extensions: { code: "FAILED_PRECONDITION" },
      message: expect.stringMatching(/post_author_uid_fkey/),
    });
    expect(await e.data(`{ users { uid } }`)).toMatchObject({ users: { length: 2 } });
  });

  it("refuses a value too long for a @col(dataType: varchar(n)) column instead of truncating it", async () => {
    const e2 = await engine(`type Tag @table { name: String! @col(dataType: "varchar(5)") }`);
    const res = await e2.gql(`mutation { tag_insert(data: {name: "toolong"}) }`);
    expect(res.errors?.[0]).toMatchObject({
      extensions: { code: "INVALID_ARGUMENT" },
      message: expect.stringMatching(/too long/),
    });
    expect(await e2.sql(`SELECT count(*)::int AS n FROM tag`)).toEqual([{ n: 0 }]);
  });

  it("without @transaction, each field commits on its own and later fields still run", async () => {
    const res = await admin(`mutation {
      a: user_insert(data: {uid: "cat", name: "Cat"})
      b: user_insert(data: {uid: "ann", name: "dup"})
      c: user_insert(data: {uid: "dan", name: "Dan"}) }`);
    expect(res.data).toEqual({ a: { uid: "cat" }, b: null, c: { uid: "dan" } });
    expect(await e.sql(`SELECT uid FROM "user" ORDER BY uid`)).toEqual([
      { uid: "ann" },
      { uid: "bob" },
      { uid: "cat" },
      { uid: "dan" },
    ]);
  });

  it("with @transaction, a failure half-way leaves nothing behind and says what was rolled back", async () => {
    const res = await admin(`mutation @transaction {
      a: user_insert(data: {uid: "cat", name: "Cat"})
      b: user_insert(data: {uid: "ann", name: "dup"})
      c: user_insert(data: {uid: "dan", name: "Dan"}) }`);
    expect(res.data).toEqual({ a: null, b: null, c: null });
    expect(res.errors?.map((x) => [x.path, x.extensions?.code, x.message.slice(0, 13)])).toEqual([
      [["a"], "ABORTED", "(rolled back)"],
      [["b"], "ALREADY_EXISTS", expect.any(String)],
      [["c"], "ABORTED", "(aborted) c w"],
    ]);
    expect(await e.sql(`SELECT uid FROM "user" ORDER BY uid`)).toEqual([{ uid: "ann" }, { uid: "bob" }]);
  });

  it("refuses a non-owner with @check on a redacted lookup, leaking nothing", async () => {
    const { post_insert } = await e.data<{ post_insert: { id: string } }>(
      `mutation { post_insert(data: {authorUid: "ann", body: "mine"}) }`,
    );
    const doc = `mutation Edit($id: UUID!, $body: String!) @auth(level: USER) @transaction {
      query @redact { post(id: $id) @check(expr: "this != null", message: "not found") {
        author @check(expr: "this.uid == auth.uid", message: "not the author") { uid } } }
      post_update(id: $id, data: {body: $body}) }`;
    const denied = await run(doc, { id: post_insert.id, body: "hacked" }, user("bob"));
    expect(denied.data).toEqual({ query: null, post_update: null });
    expect(denied.errors?.[0]).toEqual({
      message: "not the author",
      path: ["query"],
      extensions: { code: "PERMISSION_DENIED" },
    });
    expect(JSON.stringify(denied)).not.toContain("mine");
    expect(await e.sql(`SELECT body FROM post`)).toEqual([{ body: "mine" }]);
    const allowed = await run(doc, { id: post_insert.id, body: "edited" }, user("ann"));
    expect(allowed).toEqual({ data: { post_update: post_insert }, errors: [] });
  });

  it("a failing @check without @transaction aborts the fields after it", async () => {
    const res = await run(`mutation @auth(level: USER) {
      query { user(key: {uid: "zed"}) @check(message: "no such user") { uid } }
      user_insert(data: {uid: "zed", name: "Zed"}) }`);
    expect(res.errors?.map((x) => x.extensions?.code)).toEqual(["PERMISSION_DENIED", "ABORTED"]);
    expect(await e.sql(`SELECT uid FROM "user" WHERE uid = 'zed'`)).toEqual([]);
  });

  it("lets later fields read earlier results through response in CEL", async () => {
    const res = await run(
      `mutation @auth(level: USER) @transaction {
      post_insert(data: {authorUid_expr: "auth.uid", body: "x"})
      query { post(id_expr: "response.post_insert.id") { body } } }`.replace(
        `post(id_expr: "response.post_insert.id")`,
        `posts(where: {id: {eq_expr: "response.post_insert.id"}})`,
      ),
    );
    expect(res.errors).toEqual([]);
    expect((res.data as { query: { posts: unknown[] } }).query.posts).toEqual([{ body: "x" }]);
  });

  it("binds list params of native SQL as Postgres arrays", async () => {
    const res = await e.data<{ _execute: number }>(
      `mutation($uids: SQL_Params) { _execute(sql: """UPDATE "user" SET name = 'x' WHERE uid = ANY($1::text[])""", params: [$uids]) }`.replace(
        "$uids: SQL_Params",
        "$uids: Any",
      ),
      { uids: ["ann", "bob", "nobody"] },
    );
    expect(res).toEqual({ _execute: 2 });
  });

  it("runs native _execute, _executeReturning and _executeReturningFirst", async () => {
    // Unqualified names resolve in the service's Postgres schema, as in `_select`.
    const sql = (q: string) => q.replaceAll("TBL", `"user"`);
    expect(
      await e.data(
        sql(
          `mutation { _execute(sql: """UPDATE TBL SET name = upper(name) WHERE uid = $1""", params: ["ann"]) }`,
        ),
      ),
    ).toEqual({ _execute: 1 });
    expect(
      await e.data(
        sql(
          `mutation { _executeReturning(sql: """UPDATE TBL SET name = lower(name) RETURNING uid""", params: []) }`,
        ),
      ),
    ).toEqual({
      _executeReturning: expect.arrayContaining([{ uid: "ann" }, { uid: "bob" }]),
    });
    expect(
      await e.data(
        sql(
          `mutation { _executeReturningFirst(sql: """DELETE FROM TBL WHERE uid = 'nobody' RETURNING uid""") }`,
        ),
      ),
    ).toEqual({ _executeReturningFirst: null });
  });
});
