// The browser transport at the wire: WebChannel sessions for Listen and Write, the JSON POSTs the
// browser SDK makes, and CORS. The real browser runs these paths in test/browser at the repo root.
import { describe, expect, it } from "vitest";
import { useAdminFirestore } from "./helpers.ts";
import { decodeChunks, messagesOf, RawChannel } from "./webchannel-client.ts";

const PROJECT = "demo-webchannel";
const DB = `projects/${PROJECT}/databases/(default)`;
const fixture = useAdminFirestore(PROJECT);

const docName = (path: string) => `${DB}/documents/${path}`;
const listenTo = (path: string, targetId = 1) => ({
  database: DB,
  addTarget: { targetId, documents: { documents: [docName(path)] } },
});

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`http://${fixture.emulator.address}/v1/${DB}/documents${path}`, {
    method: "POST",
    headers: { "content-type": "text/plain", ...headers },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of several shapes, checked by the assertions
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe("a WebChannel handshake", () => {
  it("opens a session and names it, with an HTTP session id header and the keep-alive interval", async () => {
    const response = await fetch(
      `http://${fixture.emulator.address}/google.firestore.v1.Firestore/Listen/channel?VER=8&RID=7&CVER=22&X-HTTP-Session-Id=gsessionid`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `count=1&ofs=0&req0___data__=${encodeURIComponent(JSON.stringify(listenTo("a/b")))}`,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-http-session-id")).toMatch(/^[\w-]{8,}$/);
    const [[[id, c]]] = decodeChunks(await response.text()) as [[[number, unknown[]]]];
    expect(id).toBe(0);
    expect(c).toEqual(["c", expect.stringMatching(/^[\w-]{20,}$/), "", 8, null, 20000]);
  });

  it("answers an unknown session the way the client recognizes as a dead session", async () => {
    const response = await fetch(
      `http://${fixture.emulator.address}/google.firestore.v1.Firestore/Listen/channel?VER=8&RID=rpc&SID=nope&AID=0&CI=1`,
    );
    expect(response.status).toBe(400);
    expect((await response.text()).indexOf("Unknown SID")).toBeGreaterThan(0);
  });

  it("refuses a body that is not WebChannel's form encoding", async () => {
    const response = await fetch(
      `http://${fixture.emulator.address}/google.firestore.v1.Firestore/Write/channel?VER=8&RID=1`,
      {
        method: "POST",
        body: "count=1&ofs=0&req0_key=value",
      },
    );
    expect(response.status).toBe(400);
  });
});

describe("the Listen channel", () => {
  it("sends a target's documents, CURRENT and a global snapshot marker, as proto3 JSON", async () => {
    await fixture.db.doc("rooms/r1").set({ topic: "hi", n: 1 });
    const channel = await RawChannel.open(fixture.emulator.address, "Listen", listenTo("rooms/r1", 4));
    const messages = await channel.pollUntil(
      // The global snapshot marker: a NO_CHANGE for no target, which proto3 JSON prints as neither.
      (m) => "targetChange" in m && (m.targetChange as { targetIds?: number[] }).targetIds === undefined,
    );
    expect(messages[0]).toEqual({ targetChange: { targetChangeType: "ADD", targetIds: [4] } });
    expect(messages[1]).toMatchObject({
      documentChange: {
        document: {
          name: docName("rooms/r1"),
          fields: { topic: { stringValue: "hi" }, n: { integerValue: "1" } },
        },
        targetIds: [4],
      },
    });
    expect(messages[2]).toMatchObject({
      targetChange: { targetChangeType: "CURRENT", targetIds: [4], resumeToken: expect.any(String) },
    });
    expect(messages[3]).toEqual({
      targetChange: { resumeToken: expect.any(String), readTime: expect.stringMatching(/Z$/) },
    });
    await channel.terminate();
  });

  it("pushes changes other clients make", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Listen", listenTo("rooms/r2"));
    await channel.pollUntil(
      (m) => (m.targetChange as { targetChangeType?: string })?.targetChangeType === "CURRENT",
    );
    await fixture.db.doc("rooms/r2").set({ topic: "changed" });
    const messages = await channel.pollUntil((m) => "documentChange" in m);
    expect(messages.find((m) => "documentChange" in m)).toMatchObject({
      documentChange: { document: { fields: { topic: { stringValue: "changed" } } } },
    });
    await channel.terminate();
  });

  it("re-sends what the client has not acknowledged on its next back channel", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Listen", listenTo("rooms/r3"));
    const first = await channel.poll(0);
    const again = await channel.poll(0);
    expect(again).toEqual(first);
    const after = channel.poll(first.at(-1)![0]); // acknowledges everything: waits for what is new
    await fixture.db.doc("rooms/r3").set({ x: 1 });
    expect(messagesOf(await after)[0]).toHaveProperty("documentChange");
    await channel.terminate();
  });

  it("streams on a CI=0 back channel without ending the response", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Listen", listenTo("rooms/r4"));
    const controller = new AbortController();
    const response = await fetch(`${channel.backUrl(0)}&CI=0`, { signal: controller.signal });
    const reader = response.body!.getReader();
    let text = "";
    const until = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await until('"CURRENT"');
    await fixture.db.doc("rooms/r4").set({ streamed: true });
    await until('"streamed"');
    controller.abort();
    await channel.terminate();
  });

  it("adds and removes targets sent on forward requests", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Listen", listenTo("rooms/r5", 1));
    await channel.pollUntil(
      (m) => (m.targetChange as { targetChangeType?: string })?.targetChangeType === "CURRENT",
    );
    await channel.send({ database: DB, removeTarget: 1 });
    const messages = await channel.pollUntil(
      (m) => (m.targetChange as { targetChangeType?: string })?.targetChangeType === "REMOVE",
    );
    expect(messages.at(-1)).toEqual({ targetChange: { targetChangeType: "REMOVE", targetIds: [1] } });
    await channel.terminate();
  });

  it("ends the call with INVALID_ARGUMENT for a message that is not a ListenRequest", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Listen", listenTo("rooms/r6"));
    await channel.send({ database: DB, addTarget: { targetId: 2, documents: { documents: "not a list" } } });
    const messages = await channel.pollUntil((m) => "error" in m);
    expect(messages.at(-1)).toEqual({
      error: {
        code: 400,
        status: "INVALID_ARGUMENT",
        message: "Invalid value at 'addTarget.documents.documents' (list), \"not a list\"",
      },
    });
  });

  it("serves many channels at once, each its own changes", async () => {
    const channels = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        RawChannel.open(fixture.emulator.address, "Listen", listenTo(`crowd/c${i}`)),
      ),
    );
    const isCurrent = (m: Record<string, unknown>) =>
      (m.targetChange as { targetChangeType?: string })?.targetChangeType === "CURRENT";
    await Promise.all(channels.map((c) => c.pollUntil(isCurrent)));
    const waits = channels.map((c) => c.pollUntil((m) => "documentChange" in m));
    const batch = fixture.db.batch();
    for (let i = 0; i < 40; i++) batch.set(fixture.db.doc(`crowd/c${i}`), { i });
    await batch.commit();
    const seen = await Promise.all(waits);
    seen.forEach((messages, i) => {
      const change = messages.find((m) => "documentChange" in m) as {
        documentChange: { document: { name: string } };
      };
      expect(change.documentChange.document.name).toBe(docName(`crowd/c${i}`));
    });
    await Promise.all(channels.map((c) => c.terminate()));
  });

  it("forgets the session on terminate", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Listen", listenTo("rooms/r7"));
    await channel.terminate();
    await expect(channel.poll()).rejects.toThrow(/400 .*Unknown SID/);
  });
});

describe("the Write channel", () => {
  const write = (path: string, fields: object) => ({ update: { name: docName(path), fields } });

  it("answers the handshake with a stream id, then each batch with its results", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Write", { database: DB });
    const [handshake] = messagesOf(await channel.poll());
    expect(handshake).toEqual({ streamId: expect.any(String), streamToken: expect.any(String) });
    await channel.send({
      streamToken: handshake!.streamToken,
      writes: [write("notes/n1", { a: { integerValue: "1" } })],
    });
    const [result] = await channel.pollUntil((m) => "writeResults" in m);
    expect(result).toMatchObject({
      writeResults: [{ updateTime: expect.stringMatching(/Z$/) }],
      commitTime: expect.any(String),
    });
    expect((await fixture.db.doc("notes/n1").get()).data()).toEqual({ a: 1 });
    await channel.terminate();
  });

  it("applies a retried forward request only once", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Write", { database: DB });
    await channel.poll();
    const increment = {
      writes: [
        {
          transform: {
            document: docName("counters/c"),
            fieldTransforms: [{ fieldPath: "n", increment: { integerValue: "1" } }],
          },
        },
      ],
    };
    await channel.send(increment);
    await channel.resend(1, increment); // the client retried: same message id
    await channel.pollUntil((m) => "writeResults" in m);
    await channel.send(increment);
    await channel.pollUntil((m) => "writeResults" in m);
    expect((await fixture.db.doc("counters/c").get()).data()).toEqual({ n: 2 });
    await channel.terminate();
  });

  it("ends the call with the gRPC status when a batch fails", async () => {
    const channel = await RawChannel.open(fixture.emulator.address, "Write", { database: DB });
    await channel.poll();
    await channel.send({
      writes: [{ ...write("notes/missing", {}), currentDocument: { exists: true } }],
    });
    const messages = await channel.pollUntil((m) => "error" in m);
    expect(messages.at(-1)).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
    await channel.terminate();
  });
});

describe("the browser SDK's JSON POSTs", () => {
  it("commit, then read back with batchGet and runQuery", async () => {
    const commit = await postJson(":commit", {
      writes: [
        {
          update: { name: docName("posts/p1"), fields: { t: { timestampValue: "2024-05-06T07:08:09.5Z" } } },
        },
      ],
    });
    expect(commit.status).toBe(200);
    expect(commit.body).toMatchObject({ commitTime: expect.stringMatching(/Z$/), writeResults: [{}] });
    const got = await postJson(":batchGet", { documents: [docName("posts/p1"), docName("posts/none")] });
    expect(got.body).toEqual([
      {
        found: expect.objectContaining({ fields: { t: { timestampValue: "2024-05-06T07:08:09.500Z" } } }),
        readTime: expect.any(String),
      },
      { missing: docName("posts/none"), readTime: expect.any(String) },
    ]);
    const query = await postJson(":runQuery", { structuredQuery: { from: [{ collectionId: "posts" }] } });
    expect(query.body).toEqual([
      expect.objectContaining({ document: expect.objectContaining({ name: docName("posts/p1") }) }),
    ]);
  });

  it("run a query under a parent document from the URL path", async () => {
    await fixture.db.doc("users/u1/drafts/d1").set({ text: "x" });
    const query = await postJson("/users/u1:runAggregationQuery", {
      structuredAggregationQuery: {
        structuredQuery: { from: [{ collectionId: "drafts" }] },
        aggregations: [{ alias: "n", count: {} }],
      },
    });
    expect(query.body).toEqual([
      { result: { aggregateFields: { n: { integerValue: "1" } } }, readTime: expect.any(String) },
    ]);
  });

  it("answer errors with the HTTP status and Google's error body", async () => {
    const missing = await postJson(":commit", {
      writes: [{ update: { name: docName("posts/nope"), fields: {} }, currentDocument: { exists: true } }],
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 404, status: "NOT_FOUND", message: expect.stringContaining("nope") },
    });
    const unknown = await postJson(":commit", { writes: [], bogus: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      `Invalid JSON payload received. Unknown name "bogus": Cannot find field.`,
    );
    const notJson = await fetch(`http://${fixture.emulator.address}/v1/${DB}/documents:commit`, {
      method: "POST",
      body: "{",
    });
    expect(notJson.status).toBe(400);
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    fetch(`http://${fixture.emulator.address}/v1/${DB}/documents:commit`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-goog-api-client,authorization",
      },
    });

  it("lets pages served from this machine call, with credentials", async () => {
    for (const origin of [
      "http://localhost:5173",
      "http://127.0.0.1:3000",
      "http://[::1]:8000",
      "http://app.localhost",
    ]) {
      const response = await preflight(origin);
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe(origin);
      expect(response.headers.get("access-control-allow-credentials")).toBe("true");
      expect(response.headers.get("access-control-allow-headers")).toBe(
        "content-type,x-goog-api-client,authorization",
      );
    }
    const commit = await postJson(":commit", { writes: [] }, { origin: "http://localhost:5173" });
    expect(commit.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(commit.headers.get("access-control-expose-headers")).toContain("X-HTTP-Session-Id");
  });

  it("refuses other origins before doing anything", async () => {
    expect((await preflight("https://evil.example")).status).toBe(403);
    const write = await fetch(`http://${fixture.emulator.address}/v1/${DB}/documents:commit`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
      body: JSON.stringify({ writes: [{ update: { name: docName("owned/x"), fields: {} } }] }),
    });
    expect(write.status).toBe(403);
    expect(write.headers.get("access-control-allow-origin")).toBeNull();
    expect((await fixture.db.doc("owned/x").get()).exists).toBe(false);
    await expect(
      RawChannel.open(fixture.emulator.address, "Listen", listenTo("a/b"), { origin: "null" }),
    ).rejects.toThrow(/403/);
  });
});
