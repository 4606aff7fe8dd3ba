import { beforeAll, describe, expect, it } from "vitest";
import { RequestError, UNAUTHORIZED_MESSAGE } from "../../src/errors.ts";
import { anonymousCaller, type EngineFixture, engine, user } from "../support/engine.ts";

const SCHEMA = `type Note @table(key: "id") { id: String! owner: String! body: String! }`;
const OPS = `
query Public @auth(level: PUBLIC) { notes(orderBy: {id: ASC}) { id } }
query Anyone @auth(level: USER_ANON) { notes(orderBy: {id: ASC}) { id } }
query Signed @auth(level: USER) { notes(where: {owner: {eq_expr: "auth.uid"}}) { id } }
query Verified @auth(level: USER_EMAIL_VERIFIED) { notes(where: {owner: {eq_expr: "auth.uid"}}) { id } }
query Nobody @auth(level: NO_ACCESS) { notes { id } }
query Unguarded { notes { id } }
query Admins @auth(expr: "auth.token.admin == true") { notes { id } }
query OwnNote($id: String!) @auth(expr: "auth.uid == vars.id") { note(id: $id) { body } }
`;

async function rejection(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused");
}

describe("@auth", () => {
  let e: EngineFixture;
  const anonymous = user("anon1", { firebase: { sign_in_provider: "anonymous" }, provider_id: "anonymous" });

  beforeAll(async () => {
    e = await engine(SCHEMA, OPS);
    await e.sql(`INSERT INTO note (id, owner, body) VALUES ('alice', 'alice', 'a'), ('bob', 'bob', 'b')`);
  });

  it("PUBLIC lets signed-out callers in", async () => {
    expect((await e.op("Public", {}, anonymousCaller)).data).toEqual({
      notes: [{ id: "alice" }, { id: "bob" }],
    });
  });

  it("USER_ANON refuses signed-out callers with UNAUTHENTICATED but admits anonymous accounts", async () => {
    expect((await rejection(e.op("Anyone", {}, anonymousCaller))).status).toBe("UNAUTHENTICATED");
    expect((await e.op("Anyone", {}, anonymous)).data).toMatchObject({ notes: { length: 2 } });
  });

  it("USER refuses signed-out callers and anonymous accounts, and scopes rows to auth.uid", async () => {
    expect((await rejection(e.op("Signed", {}, anonymousCaller))).status).toBe("UNAUTHENTICATED");
    expect((await rejection(e.op("Signed", {}, anonymous))).status).toBe("UNAUTHENTICATED");
    expect((await e.op("Signed", {}, user("bob"))).data).toEqual({ notes: [{ id: "bob" }] });
  });

  it("USER_EMAIL_VERIFIED refuses an unverified email", async () => {
    expect((await rejection(e.op("Verified", {}, user("alice")))).status).toBe("UNAUTHENTICATED");
    expect((await e.op("Verified", {}, user("alice", { email_verified: true }))).data).toEqual({
      notes: [{ id: "alice" }],
    });
  });

  it("NO_ACCESS refuses every end user but not the admin", async () => {
    expect(await rejection(e.op("Nobody", {}, user("alice", { admin: true })))).toMatchObject({
      status: "PERMISSION_DENIED",
      message: UNAUTHORIZED_MESSAGE,
    });
    expect((await e.op("Nobody")).data).toMatchObject({ notes: { length: 2 } });
  });

  it("an operation without @auth is NO_ACCESS, with the message the web SDK tests pin", async () => {
    expect(await rejection(e.op("Unguarded", {}, user("alice")))).toMatchObject({
      status: "PERMISSION_DENIED",
      message: UNAUTHORIZED_MESSAGE,
    });
  });

  it("expr is evaluated as CEL over auth and vars", async () => {
    expect((await rejection(e.op("Admins", {}, user("alice")))).status).toBe("PERMISSION_DENIED");
    expect((await e.op("Admins", {}, user("alice", { admin: true }))).data).toMatchObject({
      notes: { length: 2 },
    });
    expect((await rejection(e.op("OwnNote", { id: "bob" }, user("alice")))).status).toBe("PERMISSION_DENIED");
    expect((await e.op("OwnNote", { id: "alice" }, user("alice"))).data).toEqual({ note: { body: "a" } });
  });

  it("an expr that cannot evaluate without a user refuses signed-out callers with UNAUTHENTICATED", async () => {
    expect((await rejection(e.op("OwnNote", { id: "alice" }, anonymousCaller))).status).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("checks @auth before touching variables or the database", async () => {
    expect((await rejection(e.op("Signed", { unexpected: "x" }, anonymousCaller))).status).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("an admin's ad-hoc query referring to auth.uid fails, since auth is null", async () => {
    const res = await e.gql(`{ notes(where: {owner: {eq_expr: "auth.uid"}}) { id } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe("INVALID_ARGUMENT");
    expect(res.data).toEqual({ notes: null });
  });

  it("an impersonated user's ad-hoc query is held to its own @auth", async () => {
    expect((await rejection(e.gql(`query { notes { id } }`, {}, user("alice")))).status).toBe(
      "PERMISSION_DENIED",
    );
    expect(
      (
        await e.gql(
          `query @auth(level: USER) { notes(where: {owner: {eq_expr: "auth.uid"}}) { id } }`,
          {},
          user("alice"),
        )
      ).data,
    ).toEqual({ notes: [{ id: "alice" }] });
  });
});

describe("variables", () => {
  let e: EngineFixture;
  beforeAll(async () => {
    e = await engine(
      SCHEMA,
      `query ByKey($key: Note_Key!) @auth(level: PUBLIC) { note(key: $key) { body } }`,
    );
    await e.sql(`INSERT INTO note (id, owner, body) VALUES ('alice', 'alice', 'a')`);
  });

  it("a missing required variable is an INVALID_ARGUMENT error with HTTP 200 semantics", async () => {
    const res = await e.op("ByKey", {}, user("x"));
    expect(res.data).toBeNull();
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/\$key/),
      extensions: { code: "INVALID_ARGUMENT" },
    });
  });

  it("a server-value field cannot be smuggled in through a variable", async () => {
    const res = await e.op("ByKey", { key: { id_expr: "auth.uid" } }, user("alice"));
    expect(res.errors?.[0]?.message).toMatch(
      /\$key\.id_expr: Note_Key\.id_expr cannot be set through a variable/,
    );
  });

  it("plain key fields may come from variables", async () => {
    expect((await e.op("ByKey", { key: { id: "alice" } }, user("x"))).data).toEqual({ note: { body: "a" } });
  });
});
