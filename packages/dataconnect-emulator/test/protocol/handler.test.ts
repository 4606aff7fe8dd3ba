// The HTTP surface's shape, against a recording in-test Service (the real core is exercised in
// emulator.test.ts and the SDK suites): routing, CORS, bodies, identity, error encoding, robustness.
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RequestError, UNAUTHORIZED_MESSAGE } from "../../src/errors.ts";
import { CONNECTOR, type RecordingServer, recordingServer, SERVICE } from "./support/recording.ts";
import { emulatorIdToken } from "./support/tokens.ts";

let server: RecordingServer;
let base: string;
let holder: RecordingServer["holder"];
let calls: RecordingServer["calls"];
let configured: RecordingServer["configured"];

beforeAll(async () => {
  server = await recordingServer({ maxBodyBytes: 1024 * 1024 });
  ({ base, holder, calls, configured } = server);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  server.post(path, body, headers);

describe("connector endpoints", () => {
  it("runs executeQuery as the signed-out user without an auth header", async () => {
    const res = await post(`${CONNECTOR}:executeQuery?key=fake-api-key`, {
      name: "x",
      operationName: "GetMe",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { op: "GetMe" } });
    expect(calls).toEqual([
      {
        connector: "main",
        operationName: "GetMe",
        variables: {},
        kind: "query",
        caller: { kind: "user", auth: null },
      },
    ]);
  });

  it("decodes X-Firebase-Auth-Token into auth.uid and auth.token", async () => {
    const token = emulatorIdToken("alice");
    await post(
      `${CONNECTOR}:executeMutation`,
      { operationName: "Do", variables: { a: 1 } },
      { "X-Firebase-Auth-Token": token },
    );
    expect(calls[0]).toMatchObject({
      kind: "mutation",
      variables: { a: 1 },
      caller: {
        kind: "user",
        auth: { uid: "alice", token: { sub: "alice", firebase: { sign_in_provider: "password" } } },
      },
    });
  });

  it("answers 401 UNAUTHENTICATED to a token that is not a JWT", async () => {
    const res = await post(
      `${CONNECTOR}:executeQuery`,
      { operationName: "GetMe" },
      { "X-Firebase-Auth-Token": "garbage" },
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      code: 16,
      message: expect.stringContaining("invalid Firebase ID token"),
    });
    expect(calls).toEqual([]);
  });

  it("runs impersonateQuery as the admin when no impersonation is given", async () => {
    await post(`${CONNECTOR}:impersonateQuery`, { operationName: "GetMe", extensions: {} });
    expect(calls[0]).toMatchObject({ kind: "query", caller: { kind: "admin" } });
  });

  it("runs impersonateMutation as the impersonated user", async () => {
    const authClaims = { sub: "bob", email_verified: true };
    await post(`${CONNECTOR}:impersonateMutation`, {
      operationName: "Do",
      extensions: { impersonate: { authClaims } },
    });
    expect(calls[0]).toMatchObject({
      kind: "mutation",
      caller: { kind: "user", auth: { uid: "bob", token: authClaims } },
    });
  });

  it("ignores X-Firebase-Auth-Token on impersonate endpoints (the admin decides who runs)", async () => {
    await post(
      `${CONNECTOR}:impersonateQuery`,
      { operationName: "GetMe" },
      { "X-Firebase-Auth-Token": "garbage" },
    );
    expect(calls[0]).toMatchObject({ caller: { kind: "admin" } });
  });
});

describe("service endpoints", () => {
  it("runs executeGraphql as the admin, not read-only", async () => {
    const res = await post(
      `${SERVICE}:executeGraphql`,
      { query: "{ a }" },
      { Authorization: "Bearer owner" },
    );
    expect(await res.json()).toEqual({ data: { ok: true }, errors: [] });
    expect(calls[0]).toEqual({ query: "{ a }", variables: {}, readOnly: false, caller: { kind: "admin" } });
  });

  it("runs executeGraphqlRead read-only, passing the operation name", async () => {
    await post(`${SERVICE}:executeGraphqlRead`, {
      query: "query A { a }",
      operationName: "A",
      variables: { x: 1 },
    });
    expect(calls[0]).toMatchObject({ operationName: "A", variables: { x: 1 }, readOnly: true });
  });

  it("impersonates a signed-out user with {unauthenticated: true}", async () => {
    await post(`${SERVICE}:executeGraphql`, {
      query: "{ a }",
      extensions: { impersonate: { unauthenticated: true } },
    });
    expect(calls[0]).toMatchObject({ caller: { kind: "user", auth: null } });
  });

  it("answers NOT_FOUND for a service id this emulator does not serve", async () => {
    const res = await post(`${SERVICE.replace("svc", "other")}:executeGraphql`, { query: "{ a }" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 5, message: expect.stringContaining('"other"') });
  });
});

describe("request validation", () => {
  it("answers 400 INVALID_ARGUMENT naming a missing operationName", async () => {
    const res = await post(`${CONNECTOR}:executeQuery`, { variables: {} });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 3, message: expect.stringContaining("operationName") });
  });

  it("answers 400 when variables is not an object", async () => {
    const res = await post(`${CONNECTOR}:executeQuery`, { operationName: "A", variables: [1] });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/variables/);
  });

  it("answers 400 to an impersonation with both unauthenticated and authClaims", async () => {
    const impersonate = { unauthenticated: true, authClaims: { sub: "x" } };
    const res = await post(`${SERVICE}:executeGraphql`, { query: "{ a }", extensions: { impersonate } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/exactly one/);
  });

  it("answers 400 to authClaims without a sub", async () => {
    const res = await post(`${SERVICE}:executeGraphql`, {
      query: "{ a }",
      extensions: { impersonate: { authClaims: {} } },
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/sub/);
  });

  it("answers 400 to malformed JSON and to a JSON array", async () => {
    expect((await post(`${SERVICE}:executeGraphql`, "{not json")).status).toBe(400);
    expect((await post(`${SERVICE}:executeGraphql`, [1, 2])).status).toBe(400);
  });

  it("answers 400 to a form-encoded body, which is not JSON", async () => {
    const res = await post(`${SERVICE}:executeGraphql`, "query=x", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(400);
  });

  it("reads a JSON body whatever its Content-Type (as grpc-gateway does, so curl -d works)", async () => {
    const res = await post(`${SERVICE}:executeGraphql`, { query: "{ a }" }, { "Content-Type": "text/plain" });
    expect(res.status).toBe(200);
  });

  it("answers 413 RESOURCE_EXHAUSTED to a body over the limit", async () => {
    const huge = JSON.stringify({ query: "x".repeat(2 * 1024 * 1024) });
    const res = await post(`${SERVICE}:executeGraphql`, huge).catch((error: Error) => error);
    // The server may hang up while the client is still sending; either way nothing ran.
    if (res instanceof Response) {
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 8 });
    }
    expect(calls).toEqual([]);
  });
});

describe("errors from the core", () => {
  it("encodes a RequestError with its gRPC status", async () => {
    server.failWith = new RequestError("PERMISSION_DENIED", UNAUTHORIZED_MESSAGE);
    const res = await post(`${CONNECTOR}:executeQuery`, { operationName: "A" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 7, message: UNAUTHORIZED_MESSAGE, details: [] });
  });

  it("answers any other thrown error with 500 INTERNAL and its message", async () => {
    server.failWith = new Error("kaboom");
    const res = await post(`${CONNECTOR}:executeQuery`, { operationName: "A" });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 13, message: "kaboom" });
  });

  it("answers 503 UNAVAILABLE while there is no service", async () => {
    await holder.withdraw("no database yet");
    const res = await post(`${CONNECTOR}:executeQuery`, { operationName: "A" });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 14, message: "no database yet" });
  });
});

describe("routing and methods", () => {
  it("answers 404 NOT_FOUND with a JSON body for unknown paths", async () => {
    const res = await fetch(`${base}/nothing/here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 5, message: expect.stringContaining("/nothing/here") });
  });

  it("answers 405 to a GET on an API endpoint", async () => {
    const res = await fetch(`${base}${CONNECTOR}:executeQuery`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("POST");
    expect(await res.json()).toMatchObject({ code: 12 });
  });
});

describe("CORS", () => {
  it("answers a preflight echoing the origin and the requested headers", async () => {
    const res = await fetch(`${base}${CONNECTOR}:executeQuery`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-firebase-auth-token",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-allow-headers")).toBe("content-type,x-firebase-auth-token");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it("echoes the origin on actual responses, errors included", async () => {
    const ok = await post(`${CONNECTOR}:executeQuery`, { operationName: "A" }, { Origin: "http://app.test" });
    const bad = await post(`${CONNECTOR}:executeQuery`, {}, { Origin: "http://app.test" });
    for (const res of [ok, bad]) {
      expect(res.headers.get("access-control-allow-origin")).toBe("http://app.test");
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    }
  });
});

describe("management endpoints", () => {
  it("serves /emulator/info", async () => {
    const res = await fetch(`${base}/emulator/info`);
    expect(await res.json()).toEqual({
      version: "test",
      services: [{ serviceId: "svc", connectionString: "pg" }],
    });
  });

  it("configures with 200 {} and hands the body over", async () => {
    const body = {
      connectionString: "postgres://h:5432/db?sslmode=disable",
      database: "db",
      serviceId: "svc",
    };
    const res = await post("/emulator/configure", body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(configured.at(-1)).toEqual(body);
  });

  it("answers a failed configure with 500 and the reason in message", async () => {
    const res = await post("/emulator/configure", { connectionString: "postgres://fail" });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ message: "connection refused" });
  });

  it("streams errors: the current ones at once, then one JSON object per change", async () => {
    const res = await fetch(`${base}/emulator/stream_errors?serviceId=svc`);
    const reader = res.body!.getReader();
    const next = async () => JSON.parse(new TextDecoder().decode((await reader.read()).value));
    expect(await next()).toEqual({ result: { errors: [] } });
    server.control.errors.publish([{ message: "bad", extensions: { code: "INVALID_ARGUMENT" } }]);
    expect(await next()).toEqual({
      result: { errors: [{ message: "bad", extensions: { code: "INVALID_ARGUMENT" } }] },
    });
    await reader.cancel();
  });

  it("streams issues", async () => {
    const res = await fetch(`${base}/emulator/stream_issues`);
    const reader = res.body!.getReader();
    await reader.read();
    server.control.issues.publish([{ kind: "FILE_RELOAD", severity: "NOTICE", message: "reloaded" }]);
    const chunk = JSON.parse(new TextDecoder().decode((await reader.read()).value));
    expect(chunk).toEqual({
      result: { issues: [{ kind: "FILE_RELOAD", severity: "NOTICE", message: "reloaded" }] },
    });
    await reader.cancel();
  });

  it("answers NOT_FOUND to a stream for another service", async () => {
    expect((await fetch(`${base}/emulator/stream_issues?serviceId=other`)).status).toBe(404);
  });
});

describe("robustness", () => {
  it("keeps serving after garbage, half-sent and aborted requests", async () => {
    const port = server.port;
    await rawSend(port, "NOT HTTP AT ALL\r\n\r\n");
    await rawSend(
      port,
      `POST ${CONNECTOR}:executeQuery HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"op`,
    );
    const aborted = new AbortController();
    const pending = fetch(`${base}${CONNECTOR}:executeQuery`, {
      method: "POST",
      body: new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("{")) }),
      duplex: "half",
      signal: aborted.signal,
    } as RequestInit).catch(() => undefined);
    aborted.abort();
    await pending;
    const res = await post(`${CONNECTOR}:executeQuery`, { operationName: "StillHere" });
    expect(await res.json()).toEqual({ data: { op: "StillHere" } });
  });
});

function rawSend(port: number, text: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(text);
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on("close", () => resolve());
    socket.on("error", () => resolve());
  });
}

async function errorOf(res: Response): Promise<{ code: number; message: string }> {
  return (await res.json()) as { code: number; message: string };
}
