// Security rules on the REST API (what firebase/firestore/lite and the browser SDK's unary calls use):
// the same caller decoding and the same gate as gRPC, through HTTP headers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../../src/index.ts";
import { clearData, startTestEmulator, unsignedToken } from "../helpers.ts";

const PROJECT = "demo-rest-rules";
const DOCS = `projects/${PROJECT}/databases/(default)/documents`;
const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /notes/{uid} { allow read, write: if request.auth.uid == uid; }
  }
}`;
let emulator: RunningFirestoreEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator(PROJECT);
  emulator.setRules(RULES, PROJECT);
});
afterAll(() => emulator.stop());
beforeEach(() => clearData(emulator, PROJECT));

/** A user's ID token, unsigned, as the Auth emulator and the SDKs' mockUserToken mint them. */
const idToken = (uid: string) => unsignedToken({ sub: uid, user_id: uid, firebase: {} });

const as = (who: "alice" | "owner" | undefined): Record<string, string> =>
  who === undefined ? {} : { authorization: `Bearer ${who === "owner" ? "owner" : idToken(who)}` };

// biome-ignore lint/suspicious/noExplicitAny: REST bodies are inspected loosely.
type Body = any;

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`http://${emulator.address}/v1/${path}`, {
    method,
    headers: { "content-type": "text/plain", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

const note = (uid: string) => ({ fields: { text: { stringValue: `${uid}'s note` } } });

describe("security rules over REST", () => {
  it("let a signed-in user write and read their own document", async () => {
    expect((await call("PATCH", `${DOCS}/notes/alice`, as("alice"), note("alice"))).status).toBe(200);
    const read = await call("GET", `${DOCS}/notes/alice`, as("alice"));
    expect(read.body.fields).toEqual(note("alice").fields);
  });

  it("deny another user's document with 403 PERMISSION_DENIED and the evaluation trace, writing nothing", async () => {
    const write = await call("PATCH", `${DOCS}/notes/bob`, as("alice"), note("alice"));
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({ code: 403, status: "PERMISSION_DENIED" });
    expect(write.body.error.message).toBe("\nfalse for 'create' @ L4");
    expect((await call("GET", `${DOCS}/notes/bob`, as("owner"))).status).toBe(404);
    expect((await call("GET", `${DOCS}/notes/bob`, as("alice"))).status).toBe(403);
  });

  it("deny a signed-out caller, also on :commit, :batchGet and :runQuery", async () => {
    await call("PATCH", `${DOCS}/notes/alice`, as("owner"), note("alice"));
    expect((await call("GET", `${DOCS}/notes/alice`, as(undefined))).status).toBe(403);
    const commit = await call("POST", `${DOCS}:commit`, as(undefined), {
      writes: [{ update: { name: `${DOCS}/notes/alice`, fields: {} } }],
    });
    expect(commit.status).toBe(403);
    const batchGet = await call("POST", `${DOCS}:batchGet?key=k`, as(undefined), {
      documents: [`${DOCS}/notes/alice`],
    });
    expect(batchGet.status).toBe(403);
    const query = await call("POST", `${DOCS}:runQuery`, as(undefined), {
      structuredQuery: { from: [{ collectionId: "notes" }] },
    });
    expect(query.status).toBe(403);
    expect((await call("GET", `${DOCS}/notes/alice`, as("alice"))).body.fields).toEqual(note("alice").fields);
  });

  it("let Authorization: Bearer owner (the Admin SDK) bypass every rule", async () => {
    expect((await call("PATCH", `${DOCS}/notes/bob`, as("owner"), note("bob"))).status).toBe(200);
    const query = await call("POST", `${DOCS}:runQuery`, as("owner"), {
      structuredQuery: { from: [{ collectionId: "notes" }] },
    });
    expect(query.body.map((r: { document: { name: string } }) => r.document.name)).toEqual([
      `${DOCS}/notes/bob`,
    ]);
  });

  it("refuse a bearer token that is not a JWT with 401 UNAUTHENTICATED", async () => {
    const res = await call("GET", `${DOCS}/notes/alice`, { authorization: "Bearer not-a-token" });
    expect(res.status).toBe(401);
    expect(res.body.error.status).toBe("UNAUTHENTICATED");
  });
});
