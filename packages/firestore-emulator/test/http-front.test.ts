// The HTTP/1.1 front every route sits behind: one CORS policy (pages from this machine, plus origins
// the user names), answered before any route runs; one error shape for whatever a route refuses.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseCliArgs } from "../src/cli-args.ts";
import { reportIncidentsTo } from "../src/incidents.ts";
import { type RunningFirestoreEmulator, startFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, startTestEmulator } from "./helpers.ts";

const PROJECT = "demo-http-front";
const DOCS = `projects/${PROJECT}/databases/(default)/documents`;
const FOREIGN = "https://evil.example";
let emulator: RunningFirestoreEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator(PROJECT);
});
afterAll(() => emulator.stop());

type GoogleError = { error: { code: number; status: string; message: string } };
const url = (path: string) => `http://${emulator.address}${path}`;

describe("a foreign origin", () => {
  it("is refused on REST reads, writes and preflights before anything runs", async () => {
    const admin = adminFirestore(emulator, PROJECT);
    try {
      await admin.db.doc("secrets/s").set({ v: 1 });
      const read = await fetch(url(`/v1/${DOCS}/secrets/s`), { headers: { origin: FOREIGN } });
      expect(read.status).toBe(403);
      expect(read.headers.get("access-control-allow-origin")).toBeNull();
      expect(await read.text()).not.toContain('"v"');
      const write = await fetch(url(`/v1/${DOCS}/secrets/s`), {
        method: "PATCH",
        headers: { origin: FOREIGN, "content-type": "text/plain" },
        body: JSON.stringify({ fields: { v: { integerValue: "2" } } }),
      });
      expect(write.status).toBe(403);
      const preflight = await fetch(url(`/v1/${DOCS}/secrets/s`), {
        method: "OPTIONS",
        headers: { origin: FOREIGN, "access-control-request-method": "PATCH" },
      });
      expect(preflight.status).toBe(403);
      expect((await admin.db.doc("secrets/s").get()).data()).toEqual({ v: 1 });
    } finally {
      await admin.close();
    }
  });

  it("is refused on the emulator's own routes (clearing data, rules, triggers)", async () => {
    const admin = adminFirestore(emulator, PROJECT);
    try {
      await admin.db.doc("kept/k").set({ v: 1 });
      const clear = await fetch(url(`/emulator/v1/projects/${PROJECT}/databases/(default)/documents`), {
        method: "DELETE",
        headers: { origin: FOREIGN },
      });
      expect(clear.status).toBe(403);
      const rules = await fetch(url(`/emulator/v1/projects/${PROJECT}:securityRules`), {
        method: "PUT",
        headers: { origin: "null" },
        body: JSON.stringify({ rules: { files: [{ content: "service cloud.firestore {}" }] } }),
      });
      expect(rules.status).toBe(403);
      expect((await admin.db.doc("kept/k").get()).exists).toBe(true);
    } finally {
      await admin.close();
    }
  });

  it("is allowed when named with corsAllowOrigins (--cors_allow_origin), and every origin with *", async () => {
    const forwarded = "https://8080-dev.example.dev";
    const widened = await startFirestoreEmulator({ port: 0, log: () => {}, corsAllowOrigins: [forwarded] });
    const open = await startFirestoreEmulator({ port: 0, log: () => {}, corsAllowOrigins: "*" });
    try {
      const get = (e: RunningFirestoreEmulator, origin: string) =>
        fetch(`http://${e.address}/v1/${DOCS}/none/x`, { headers: { origin } });
      const allowed = await get(widened, forwarded);
      expect(allowed.status).toBe(404);
      expect(allowed.headers.get("access-control-allow-origin")).toBe(forwarded);
      expect((await get(widened, FOREIGN)).status).toBe(403);
      expect((await get(widened, "http://localhost:5173")).status).toBe(404);
      expect((await get(open, FOREIGN)).headers.get("access-control-allow-origin")).toBe(FOREIGN);
    } finally {
      await widened.stop();
      await open.stop();
    }
  });
});

describe("--cors_allow_origin", () => {
  it("takes origins (normalized) or *, and refuses anything else naming it", () => {
    const base = ["--host=127.0.0.1", "--port=0"];
    expect(parseCliArgs(base).corsAllowOrigins).toBeUndefined();
    expect(
      parseCliArgs([...base, "--cors_allow_origin=https://A.example:443, http://b.example:8080"])
        .corsAllowOrigins,
    ).toEqual(["https://a.example", "http://b.example:8080"]);
    expect(parseCliArgs([...base, "--cors_allow_origin=*"]).corsAllowOrigins).toBe("*");
    expect(() => parseCliArgs([...base, "--cors_allow_origin=https://a.example/app"])).toThrow(
      /"https:\/\/a.example\/app" is not an origin/,
    );
    expect(() => parseCliArgs([...base, "--cors_allow_origin=ftp://a.example"])).toThrow(/not an origin/);
  });
});

describe("errors at the front", () => {
  it("answer a body over the limit with production's 400 and close the connection", async () => {
    const res = await fetch(url(`/emulator/v1/projects/${PROJECT}/triggers/t`), {
      method: "PUT",
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("connection")).toBe("close");
    expect(await res.json()).toEqual({
      error: {
        code: 400,
        status: "INVALID_ARGUMENT",
        message: "Request payload size exceeds the limit: 1048576 bytes.",
      },
    });
  });

  it("answer malformed percent-encoding with 400, on the API and the emulator's routes", async () => {
    for (const path of [`/v1/${DOCS}/c/%E0%A4%A`, "/emulator/v1/projects/%E0%A4%A:securityRules"]) {
      const res = await fetch(url(path));
      expect(res.status).toBe(400);
      expect(((await res.json()) as GoogleError).error.status).toBe("INVALID_ARGUMENT");
    }
  });

  it("answer unknown paths with 404 in Google's error shape", async () => {
    const res = await fetch(url("/nothing/here"));
    expect(res.status).toBe(404);
    expect(((await res.json()) as GoogleError).error).toMatchObject({ code: 404, status: "NOT_FOUND" });
  });

  it("treat a client that hangs up mid-upload as gone, not as an internal error", async () => {
    const incidents: string[] = [];
    reportIncidentsTo({ report: (kind) => void incidents.push(kind) });
    try {
      const [host, port] = [emulator.address.replace(/:\d+$/, ""), Number(emulator.address.split(":").pop())];
      const socket = net.connect(port, host);
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(`POST /v1/${DOCS}:commit HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{"wri`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await vi.waitFor(async () => expect((await fetch(url("/nothing/here"))).status).toBe(404));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(incidents).not.toContain("internal error");
    } finally {
      reportIncidentsTo({
        report: (kind, detail) => console.error(`firestore-emulator: ${kind}: ${detail}`),
      });
    }
  });
});
