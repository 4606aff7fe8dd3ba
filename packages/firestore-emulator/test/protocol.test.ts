import type * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../src/index.ts";
import { bloomFilterMightContain } from "../src/listen/bloom-filter.ts";
import { callStream, callUnary, clearData, eventually, rawClient, startTestEmulator } from "./helpers.ts";

const PROJECT = "demo-protocol";
const DB = `projects/${PROJECT}/databases/(default)`;
const DOCS = `${DB}/documents`;
let emulator: RunningFirestoreEmulator;
let client: ReturnType<typeof rawClient>;

beforeAll(async () => {
  emulator = await startTestEmulator(PROJECT);
  client = rawClient(emulator);
});
afterAll(async () => {
  client.close();
  await emulator.stop();
});
beforeEach(() => clearData(emulator, PROJECT));

// biome-ignore lint/suspicious/noExplicitAny: raw protocol messages are inspected loosely.
type Msg = Record<string, any>;

function commit(writes: object[], transaction?: Buffer): Promise<Msg> {
  return callUnary(client, "Commit", { database: DB, writes, ...(transaction ? { transaction } : {}) });
}

function setDoc(path: string, fields: Record<string, object>): Promise<Msg> {
  return commit([{ update: { name: `${DOCS}/${path}`, fields } }]);
}

/** An open Listen stream that records every response. */
function openListen() {
  const fn = client.Listen as unknown as () => grpc.ClientDuplexStream<object, Msg>;
  const call = fn.call(client);
  const messages: Msg[] = [];
  call.on("data", (m: Msg) => messages.push(m));
  call.on("error", () => {});
  return { call, messages };
}

const kinds = (messages: Msg[]) =>
  messages.map((m) =>
    m.targetChange
      ? `${m.targetChange.targetChangeType}[${(m.targetChange.targetIds ?? []).join(",")}]`
      : m.documentChange
        ? `change:${m.documentChange.document.name.split("/").pop()}[${(m.documentChange.targetIds ?? []).join(",")}]`
        : m.documentDelete
          ? `delete:${m.documentDelete.document.split("/").pop()}`
          : m.filter
            ? `filter[${m.filter.targetId}]:${m.filter.count}`
            : `remove:${m.documentRemove.document.split("/").pop()}`,
  );

describe("Listen stream", () => {
  it("adding a target sends ADD, its documents, CURRENT with a resume token, then a global snapshot", async () => {
    await setDoc("l/a", { v: { integerValue: "1" } });
    const { call, messages } = openListen();
    call.write({
      database: DB,
      addTarget: { targetId: 2, query: { parent: DOCS, structuredQuery: { from: [{ collectionId: "l" }] } } },
    });
    await eventually(() => messages.length >= 4);
    expect(kinds(messages)).toEqual(["ADD[2]", "change:a[2]", "CURRENT[2]", "NO_CHANGE[]"]);
    expect(messages[2]!.targetChange.resumeToken.length).toBeGreaterThan(0);
    expect(messages[3]!.targetChange.readTime).toBeDefined();
    call.end();
  });

  it("carries several targets on one stream and removes one on request", async () => {
    const { call, messages } = openListen();
    call.write({ database: DB, addTarget: { targetId: 1, documents: { documents: [`${DOCS}/x/1`] } } });
    call.write({ database: DB, addTarget: { targetId: 2, documents: { documents: [`${DOCS}/x/2`] } } });
    await eventually(() => kinds(messages).filter((k) => k === "NO_CHANGE[]").length === 2);
    call.write({ database: DB, removeTarget: 2 });
    await eventually(() => kinds(messages).includes("REMOVE[2]"));
    messages.length = 0;
    await commit([
      { update: { name: `${DOCS}/x/1`, fields: {} } },
      { update: { name: `${DOCS}/x/2`, fields: {} } },
    ]);
    await eventually(() => messages.length >= 2);
    expect(kinds(messages)).toEqual(["change:1[1]", "NO_CHANGE[]"]);
    call.end();
  });

  it("resuming with a resume token sends only what changed since, deletes included", async () => {
    await setDoc("r/keep", { v: { integerValue: "1" } });
    await setDoc("r/gone", { v: { integerValue: "1" } });
    const first = openListen();
    const target = { query: { parent: DOCS, structuredQuery: { from: [{ collectionId: "r" }] } } };
    first.call.write({ database: DB, addTarget: { targetId: 5, ...target } });
    await eventually(() => first.messages.length >= 5);
    const token = first.messages.find((m) => m.targetChange?.targetChangeType === "CURRENT")!.targetChange
      .resumeToken;
    first.call.end();
    await commit([{ delete: `${DOCS}/r/gone` }]);
    await setDoc("r/new", { v: { integerValue: "2" } });
    const second = openListen();
    second.call.write({ database: DB, addTarget: { targetId: 5, resumeToken: token, ...target } });
    await eventually(() => second.messages.length >= 6);
    expect(kinds(second.messages)).toEqual([
      "ADD[5]",
      "change:new[5]",
      "delete:gone",
      "filter[5]:2",
      "CURRENT[5]",
      "NO_CHANGE[]",
    ]);
    second.call.end();
  });

  it("resuming with an expected count adds the matching names as a bloom filter", async () => {
    await setDoc("bf/a", { v: { integerValue: "1" } });
    await setDoc("bf/b", { v: { integerValue: "1" } });
    const first = openListen();
    const target = { query: { parent: DOCS, structuredQuery: { from: [{ collectionId: "bf" }] } } };
    first.call.write({ database: DB, addTarget: { targetId: 3, ...target } });
    await eventually(() => kinds(first.messages).includes("CURRENT[3]"));
    const token = first.messages.find((m) => m.targetChange?.targetChangeType === "CURRENT")!.targetChange
      .resumeToken;
    first.call.end();
    const second = openListen();
    second.call.write({
      database: DB,
      addTarget: { targetId: 3, resumeToken: token, expectedCount: { value: 2 }, ...target },
    });
    await eventually(() => second.messages.some((m) => m.filter));
    const { filter } = second.messages.find((m) => m.filter)!;
    expect(filter.count).toBe(2);
    const unchanged = filter.unchangedNames;
    expect(unchanged.hashCount).toBeGreaterThan(0);
    expect(
      [`${DOCS}/bf/a`, `${DOCS}/bf/b`].every((n) =>
        bloomFilterMightContain({ bits: unchanged.bits, hashCount: unchanged.hashCount }, n),
      ),
    ).toBe(true);
    second.call.end();
  });

  it("an invalid target is removed with a cause, and the stream keeps serving", async () => {
    const { call, messages } = openListen();
    call.write({
      database: DB,
      addTarget: { targetId: 9, query: { parent: DOCS, structuredQuery: { from: [] } } },
    });
    await eventually(() => messages.length >= 1);
    expect(messages[0]!.targetChange).toMatchObject({
      targetChangeType: "REMOVE",
      targetIds: [9],
      cause: { code: 3 },
    });
    call.write({ database: DB, addTarget: { targetId: 10, documents: { documents: [`${DOCS}/ok/1`] } } });
    await eventually(() => kinds(messages).includes("CURRENT[10]"));
    call.end();
  });

  it("a document leaving a query target is sent as a remove", async () => {
    await setDoc("f/a", { ok: { booleanValue: true } });
    const { call, messages } = openListen();
    const where = { fieldFilter: { field: { fieldPath: "ok" }, op: "EQUAL", value: { booleanValue: true } } };
    call.write({
      database: DB,
      addTarget: {
        targetId: 3,
        query: { parent: DOCS, structuredQuery: { from: [{ collectionId: "f" }], where } },
      },
    });
    await eventually(() => messages.length >= 4);
    messages.length = 0;
    await setDoc("f/a", { ok: { booleanValue: false } });
    await eventually(() => messages.length >= 2);
    expect(kinds(messages)).toEqual(["remove:a", "NO_CHANGE[]"]);
    call.end();
  });
});

describe("Write stream", () => {
  it("answers the handshake with a stream token, then each batch with results and a commit time", async () => {
    const fn = client.Write as unknown as () => grpc.ClientDuplexStream<object, Msg>;
    const call = fn.call(client);
    const responses: Msg[] = [];
    call.on("data", (m: Msg) => responses.push(m));
    call.write({ database: DB });
    await eventually(() => responses.length === 1);
    expect(responses[0]!.streamToken.length).toBeGreaterThan(0);
    expect(responses[0]!.writeResults ?? []).toEqual([]);
    call.write({
      streamToken: responses[0]!.streamToken,
      writes: [{ update: { name: `${DOCS}/w/1`, fields: {} } }],
    });
    await eventually(() => responses.length === 2);
    expect(responses[1]!.writeResults).toHaveLength(1);
    expect(responses[1]!.commitTime).toBeDefined();
    call.end();
  });

  it("ends the stream with the failed write's status", async () => {
    const fn = client.Write as unknown as () => grpc.ClientDuplexStream<object, Msg>;
    const call = fn.call(client);
    const error = new Promise<grpc.ServiceError>((resolve) => call.on("error", resolve));
    call.on("data", () => {});
    call.write({ database: DB });
    call.write({
      writes: [{ update: { name: `${DOCS}/w/x`, fields: {} }, currentDocument: { exists: true } }],
    });
    expect((await error).code).toBe(5);
  });
});

describe("error codes", () => {
  it("a malformed document name is INVALID_ARGUMENT", async () => {
    await expect(callUnary(client, "GetDocument", { name: `${DOCS}/odd` })).rejects.toMatchObject({
      code: 3,
    });
    await expect(callUnary(client, "GetDocument", { name: "nonsense" })).rejects.toMatchObject({ code: 3 });
  });

  it("GetDocument of a missing document is NOT_FOUND", async () => {
    await expect(callUnary(client, "GetDocument", { name: `${DOCS}/c/none` })).rejects.toMatchObject({
      code: 5,
    });
  });

  it("a commit in an unknown transaction is INVALID_ARGUMENT with the expiry message", async () => {
    await expect(commit([], Buffer.from("bogus"))).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining("transaction has expired"),
    });
  });

  it("a query with too many cursor values is INVALID_ARGUMENT", async () => {
    const request = {
      parent: DOCS,
      structuredQuery: {
        from: [{ collectionId: "c" }],
        startAt: { values: [{ integerValue: 1 }, { integerValue: 2 }, { integerValue: 3 }] },
      },
    };
    await expect(callStream(client, "RunQuery", request)).rejects.toMatchObject({ code: 3 });
  });

  it("a query without a collection is INVALID_ARGUMENT", async () => {
    await expect(callStream(client, "RunQuery", { parent: DOCS, structuredQuery: {} })).rejects.toMatchObject(
      { code: 3 },
    );
  });

  it("an increment with a non-numeric operand is INVALID_ARGUMENT", async () => {
    const write = {
      update: { name: `${DOCS}/c/1`, fields: {} },
      updateTransforms: [{ fieldPath: "n", increment: { stringValue: "x" } }],
    };
    await expect(commit([write])).rejects.toMatchObject({ code: 3 });
  });

  it("transactions that lock each other's documents in opposite order: one is ABORTED", async () => {
    await setDoc("dl/a", {});
    await setDoc("dl/b", {});
    const t1 = (await callUnary<Msg>(client, "BeginTransaction", { database: DB })).transaction;
    const t2 = (await callUnary<Msg>(client, "BeginTransaction", { database: DB })).transaction;
    await callStream(client, "BatchGetDocuments", {
      database: DB,
      documents: [`${DOCS}/dl/a`],
      transaction: t1,
    });
    await callStream(client, "BatchGetDocuments", {
      database: DB,
      documents: [`${DOCS}/dl/b`],
      transaction: t2,
    });
    const first = callStream(client, "BatchGetDocuments", {
      database: DB,
      documents: [`${DOCS}/dl/b`],
      transaction: t1,
    });
    await new Promise((r) => setTimeout(r, 50));
    await expect(
      callStream(client, "BatchGetDocuments", { database: DB, documents: [`${DOCS}/dl/a`], transaction: t2 }),
    ).rejects.toMatchObject({ code: 10 });
    await callUnary(client, "Rollback", { database: DB, transaction: t2 });
    await expect(first).resolves.toHaveLength(1);
    await expect(commit([], t1)).resolves.toBeDefined();
  });

  it("BatchWrite reports a status per write", async () => {
    await setDoc("bw/exists", {});
    const response = await callUnary<Msg>(client, "BatchWrite", {
      database: DB,
      writes: [
        { update: { name: `${DOCS}/bw/new`, fields: {} } },
        { update: { name: `${DOCS}/bw/exists`, fields: {} }, currentDocument: { exists: false } },
      ],
    });
    expect(response.status.map((s: Msg) => s.code ?? 0)).toEqual([0, 6]);
  });

  it("an unimplemented method answers UNIMPLEMENTED and the server keeps serving", async () => {
    await expect(callStream(client, "ExecutePipeline", { database: DB })).rejects.toMatchObject({ code: 12 });
    await expect(setDoc("still/alive", {})).resolves.toBeDefined();
  });
});
