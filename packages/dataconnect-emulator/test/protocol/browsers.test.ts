// What web pages may do with the local emulator: call the web SDK's endpoints, from any origin, and
// nothing else — no admin endpoint, no /emulator/*, not even by a "simple" request without a preflight.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isLocalOrigin } from "../../src/protocol/cors.ts";
import { CONNECTOR, type RecordingServer, recordingServer, SERVICE } from "./support/recording.ts";

let server: RecordingServer;
beforeAll(async () => {
  server = await recordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const preflight = (path: string, origin: string, extra: Record<string, string> = {}) =>
  fetch(`${server.base}${path}`, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "content-type,x-firebase-auth-token,x-goog-api-client",
      ...extra,
    },
  });

describe("the web SDK's endpoints", () => {
  for (const origin of ["http://127.0.0.1:5173", "http://localhost:5173", "https://app.example.com"]) {
    it(`answer a preflight and the call from ${origin}`, async () => {
      const pre = await preflight(`${CONNECTOR}:executeQuery`, origin);
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe(origin);
      expect(pre.headers.get("access-control-allow-headers")).toContain("x-firebase-auth-token");
      const res = await server.post(
        `${CONNECTOR}:executeMutation`,
        { operationName: "Do" },
        { Origin: origin },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    });
  }

  it("let pages on this machine or the local network through Chrome's private-network check, not public sites", async () => {
    const ask = { "Access-Control-Request-Private-Network": "true" };
    const local = await preflight(`${CONNECTOR}:executeQuery`, "http://192.168.1.20:5173", ask);
    expect(local.headers.get("access-control-allow-private-network")).toBe("true");
    const site = await preflight(`${CONNECTOR}:executeQuery`, "https://evil.example", ask);
    expect(site.headers.get("access-control-allow-private-network")).toBeNull();
  });
});

describe("admin and management endpoints", () => {
  const adminPaths = [
    `${SERVICE}:executeGraphql`,
    `${SERVICE}:executeGraphqlRead`,
    `${CONNECTOR}:impersonateQuery`,
    `${CONNECTOR}:impersonateMutation`,
    "/emulator/configure",
  ];

  for (const path of adminPaths) {
    it(`refuse a browser's preflight and call to ${path.split("/").at(-1)}, without CORS headers`, async () => {
      const pre = await preflight(path, "http://localhost:5173");
      expect(pre.status).toBe(403);
      expect(pre.headers.get("access-control-allow-origin")).toBeNull();
      // A "simple" request needs no preflight: it must be refused all the same, before anything runs.
      const res = await server.post(
        path,
        { query: "mutation { x }", operationName: "X", connectionString: "postgres://h/db" },
        { Origin: "https://evil.example", "Content-Type": "text/plain" },
      );
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(await res.json()).toMatchObject({
        code: 7,
        message: expect.stringContaining("not served to web pages"),
      });
      expect(server.calls).toEqual([]);
      expect(server.configured).toEqual([]);
    });
  }

  it("refuse same-origin browser requests too (a DNS name rebound to this machine)", async () => {
    const res = await fetch(`${server.base}/emulator/info`, { headers: { "Sec-Fetch-Site": "same-origin" } });
    expect(res.status).toBe(403);
  });

  it("serve /emulator/info to a developer who types the address in (Sec-Fetch-Site: none)", async () => {
    const res = await fetch(`${server.base}/emulator/info`, { headers: { "Sec-Fetch-Site": "none" } });
    expect(res.status).toBe(200);
  });

  it("serve servers and tools, which send no Origin", async () => {
    const res = await server.post(`${SERVICE}:executeGraphql`, { query: "{ a }" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("isLocalOrigin", () => {
  it("knows localhost, loopback and private addresses from public sites", () => {
    for (const local of [
      "http://localhost:5173",
      "http://app.localhost",
      "http://127.0.0.1:5000",
      "http://[::1]:5173",
      "http://10.0.0.2",
      "http://172.20.1.1",
      "http://[fd00::1]",
    ])
      expect(isLocalOrigin(local), local).toBe(true);
    for (const remote of ["https://evil.example", "http://172.32.0.1", "http://8.8.8.8", "null", "not a url"])
      expect(isLocalOrigin(remote), remote).toBe(false);
  });
});
