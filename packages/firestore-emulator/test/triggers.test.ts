// Document triggers at the protocol level: the registration routes firebase-tools calls, and the
// requests the engine sends to the Functions emulator. A recording HTTP server stands where the
// Functions emulator listens; each recorded request is then handed to the real firebase-functions
// handlers the way the Functions emulator's runtime hands it over (test/e2e runs the real emulator).
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Firestore } from "firebase-admin/firestore";
import * as functionsV1 from "firebase-functions/v1";
import * as functionsV2 from "firebase-functions/v2/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningFirestoreEmulator, startFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, clearData } from "./helpers.ts";

const PROJECT = "demo-triggers";
const DOCS = `projects/${PROJECT}/databases/(default)/documents`;

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let received: Received[] = [];
let failKeys = new Set<string>();
let sink: http.Server;
let emulator: RunningFirestoreEmulator;
let admin: { db: Firestore; close: () => Promise<void> };
let logs: string[] = [];

beforeAll(async () => {
  // 1st-gen triggers name their resource with the project, as the Functions runtime's environment sets it.
  process.env.GCLOUD_PROJECT = PROJECT;
  sink = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      const key = (req.url ?? "").split("/").pop()!;
      res
        .writeHead(failKeys.has(key) ? 500 : 200)
        .end(failKeys.has(key) ? "boom" : '{"status":"acknowledged"}');
    });
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  emulator = await startFirestoreEmulator({
    port: 0,
    projectId: PROJECT,
    functionsEmulator: `127.0.0.1:${(sink.address() as AddressInfo).port}`,
    log: (m) => logs.push(m),
  });
  admin = adminFirestore(emulator, PROJECT);
});
afterAll(async () => {
  await admin.close();
  await emulator.stop();
  await new Promise((r) => sink.close(r));
});
beforeEach(async () => {
  await fetch(`http://${emulator.address}/emulator/v1/projects/${PROJECT}/triggers`, { method: "DELETE" });
  await clearData(emulator, PROJECT);
  received = [];
  failKeys = new Set();
  logs = [];
});

/** Registers a 1st-gen trigger with the bundle firebase-tools' Functions emulator PUTs. */
function registerV1(key: string, eventType: string, document: string) {
  return fetch(`http://${emulator.address}/emulator/v1/projects/${PROJECT}/triggers/${key}`, {
    method: "PUT",
    body: JSON.stringify({
      eventTrigger: {
        eventType: `providers/cloud.firestore/eventTypes/${eventType}`,
        eventFilters: { resource: `${DOCS}/${document}` },
        retry: false,
        service: "firestore.googleapis.com",
      },
    }),
  });
}

/** Registers a 2nd-gen trigger with the bundle firebase-tools' Functions emulator POSTs. */
function registerV2(key: string, eventType: string, document: string, matchType = "PATH_PATTERN") {
  return fetch(
    `http://${emulator.address}/emulator/v1/projects/${PROJECT}/eventarcTrigger?eventarcTriggerId=${key}`,
    {
      method: "POST",
      body: JSON.stringify({
        eventType: `google.cloud.firestore.document.v1.${eventType}`,
        database: "(default)",
        namespace: "(default)",
        document: { value: document, matchType },
      }),
    },
  );
}

const deliveredTo = (key: string) => received.filter((r) => r.path.endsWith(`/triggers/${key}`));

/** A binary-mode CloudEvent as the Functions emulator's runtime builds it from the request. */
function cloudEvent(r: Received): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(r.headers)) {
    if (name.startsWith("ce-")) event[name.slice(3)] = value;
  }
  // The Functions emulator base64-decodes application/protobuf bodies, as Eventarc does.
  event.data = Buffer.from(r.body, "base64");
  return event;
}

// biome-ignore lint/suspicious/noExplicitAny: handler events are inspected loosely.
type Seen = any;
let seen: Seen;
/** A handler that remembers the event it was given. */
const capture = (event: unknown) => {
  seen = event;
};

/** Runs a real 2nd-gen function (built with `capture`) on a delivery; returns the event it saw. */
async function invoke(fn: unknown, r: Received): Promise<Seen> {
  seen = undefined;
  await (fn as (raw: unknown) => unknown)(cloudEvent(r));
  return seen;
}

describe("registration routes (what firebase-tools calls)", () => {
  it("accept 1st- and 2nd-gen registrations and list them", async () => {
    expect((await registerV1("us-central1-a-0", "document.write", "users/{uid}")).status).toBe(200);
    expect((await registerV2("us-central1-b-0", "written", "users/{uid}")).status).toBe(200);
    const res = await fetch(`http://${emulator.address}/emulator/v1/projects/${PROJECT}/triggers`);
    expect(((await res.json()) as { triggers: unknown[] }).triggers).toEqual([
      {
        key: "us-central1-a-0",
        eventType: "providers/cloud.firestore/eventTypes/document.write",
        database: "(default)",
        document: "users/{uid}",
      },
      {
        key: "us-central1-b-0",
        eventType: "google.cloud.firestore.document.v1.written",
        database: "(default)",
        document: "users/{uid}",
      },
    ]);
  });

  it("reject malformed registrations with 400 and a reason", async () => {
    const bad = await registerV2("k", "exploded", "users/{uid}");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      "Unsupported Firestore event type",
    );
    const noResource = await fetch(`http://${emulator.address}/emulator/v1/projects/${PROJECT}/triggers/k`, {
      method: "PUT",
      body: JSON.stringify({
        eventTrigger: { eventType: "providers/cloud.firestore/eventTypes/document.write" },
      }),
    });
    expect(noResource.status).toBe(400);
  });

  it("remove a trigger by key; a removed trigger gets nothing", async () => {
    await registerV2("gone-0", "written", "users/{uid}");
    const del = await fetch(`http://${emulator.address}/emulator/v1/projects/${PROJECT}/triggers/gone-0`, {
      method: "DELETE",
    });
    expect(del.status).toBe(200);
    await admin.db.doc("users/u").set({ a: 1 });
    await emulator.triggersIdle();
    expect(received).toEqual([]);
  });
});

describe("2nd-gen events", () => {
  it("written delivers every change in commit order, and the handler reads the snapshots", async () => {
    await registerV2("w-0", "written", "users/{uid}");
    await admin.db.doc("users/ada").set({ name: "Ada", n: 1 });
    await admin.db.doc("users/ada").update({ n: 2 });
    await admin.db.doc("users/ada").delete();
    await emulator.triggersIdle();
    const deliveries = deliveredTo("w-0");
    expect(deliveries.map((d) => d.path)).toEqual(
      Array(3).fill(`/functions/projects/${PROJECT}/triggers/w-0`),
    );
    const events: unknown[] = [];
    for (const d of deliveries) {
      const event = await invoke(functionsV2.onDocumentWritten("users/{uid}", capture), d);
      events.push({
        params: event.params,
        before: event.data.before.data() ?? null,
        after: event.data.after.data() ?? null,
      });
    }
    expect(events).toEqual([
      { params: { uid: "ada" }, before: null, after: { name: "Ada", n: 1 } },
      { params: { uid: "ada" }, before: { name: "Ada", n: 1 }, after: { name: "Ada", n: 2 } },
      { params: { uid: "ada" }, before: { name: "Ada", n: 2 }, after: null },
    ]);
  });

  it("carries the CloudEvent attributes the SDKs read", async () => {
    await registerV2("c-0", "created", "users/{uid}");
    await admin.db.doc("users/ada").set({});
    await emulator.triggersIdle();
    const [d] = deliveredTo("c-0");
    expect(d!.headers).toMatchObject({
      "content-type": "application/protobuf",
      "ce-specversion": "1.0",
      "ce-type": "google.cloud.firestore.document.v1.created",
      "ce-source": `//firestore.googleapis.com/projects/${PROJECT}/databases/(default)`,
      "ce-subject": "documents/users/ada",
      "ce-project": PROJECT,
      "ce-database": "(default)",
      "ce-namespace": "(default)",
      "ce-document": "users/ada",
      "ce-datacontenttype": "application/protobuf",
    });
    expect(d!.headers["ce-time"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(d!.headers["ce-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("created, updated and deleted fire only for their operation", async () => {
    await registerV2("c-0", "created", "items/{id}");
    await registerV2("u-0", "updated", "items/{id}");
    await registerV2("d-0", "deleted", "items/{id}");
    await admin.db.doc("items/1").set({ v: 1 });
    await admin.db.doc("items/1").set({ v: 2 });
    await admin.db.doc("items/1").delete();
    await emulator.triggersIdle();
    expect([deliveredTo("c-0").length, deliveredTo("u-0").length, deliveredTo("d-0").length]).toEqual([
      1, 1, 1,
    ]);
    const created = await invoke(
      functionsV2.onDocumentCreated("items/{id}", capture),
      deliveredTo("c-0")[0]!,
    );
    expect(created.data.data()).toEqual({ v: 1 });
    const deleted = await invoke(
      functionsV2.onDocumentDeleted("items/{id}", capture),
      deliveredTo("d-0")[0]!,
    );
    expect(deleted.data.data()).toEqual({ v: 2 });
  });

  it("a write that changes nothing fires nothing", async () => {
    await admin.db.doc("items/same").set({ v: 1 });
    await registerV2("w-0", "written", "items/{id}");
    await admin.db.doc("items/same").set({ v: 1 });
    await emulator.triggersIdle();
    expect(received).toEqual([]);
  });

  it("the update mask lists the changed fields, nested ones by path", async () => {
    await registerV2("u-0", "updated", "items/{id}");
    await admin.db.doc("items/m").set({ a: 1, b: { c: 1, d: 1 }, e: 1 });
    await admin.db.doc("items/m").update({ a: 2, "b.c": 2, e: 1, f: 1 });
    await emulator.triggersIdle();
    const event = await invoke(functionsV2.onDocumentUpdated("items/{id}", capture), deliveredTo("u-0")[0]!);
    expect(event.data.after.data()).toEqual({
      a: 2,
      b: { c: 2, d: 1 },
      e: 1,
      f: 1,
    });
    // firebase-functions' own compiled DocumentEventData (not exported; loaded by path).
    const require = createRequire(import.meta.url);
    const entry = require.resolve("firebase-functions");
    const functionsDir = entry.slice(
      0,
      entry.lastIndexOf("firebase-functions") + "firebase-functions".length,
    );
    const { google } = require(path.join(functionsDir, "protos/compiledFirestore.js"));
    const decoded = google.events.cloud.firestore.v1.DocumentEventData.decode(
      Buffer.from(deliveredTo("u-0")[0]!.body, "base64"),
    );
    expect(decoded.updateMask?.fieldPaths).toEqual(["a", "b.c", "f"]);
  });

  it("...WithAuthContext names the writer from the request's credentials", async () => {
    await registerV2("auth-0", "written.withAuthContext", "notes/{id}");
    const token = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    const write = (id: string, headers: Record<string, string>) =>
      fetch(`http://${emulator.address}/v1/${DOCS}/notes/${id}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ fields: {} }),
      });
    await write("user", { authorization: `Bearer ${token({ sub: "u1", user_id: "u1", firebase: {} })}` });
    await write("anon", {});
    await admin.db.doc("notes/admin").set({});
    await emulator.triggersIdle();
    const writers: unknown[] = [];
    for (const d of deliveredTo("auth-0")) {
      const e = await invoke(functionsV2.onDocumentWrittenWithAuthContext("notes/{id}", capture), d);
      writers.push([e.params.id, e.authType, e.authId]);
    }
    expect(writers).toEqual([
      ["user", "app_user", "u1"],
      ["anon", "unauthenticated", undefined],
      ["admin", "service_account", undefined],
    ]);
  });

  it("matches EXACT documents literally and {name=**} across segments", async () => {
    await registerV2("exact-0", "written", "config/main", "EXACT");
    await registerV2("deep-0", "written", "tree/{path=**}");
    await admin.db.doc("config/main").set({});
    await admin.db.doc("config/other").set({});
    await admin.db.doc("tree/a/b/c").set({});
    await emulator.triggersIdle();
    expect(deliveredTo("exact-0").map((d) => d.headers["ce-document"])).toEqual(["config/main"]);
    const deep = await invoke(
      functionsV2.onDocumentWritten("tree/{path=**}", capture),
      deliveredTo("deep-0")[0]!,
    );
    expect(deep.params).toEqual({ path: "a/b/c" });
  });
});

describe("1st-gen events", () => {
  /** Runs a real 1st-gen handler the way the Functions emulator's runtime calls background functions. */
  async function runV1(fn: (data: unknown, context: unknown) => unknown, r: Received): Promise<void> {
    const body = JSON.parse(r.body) as { data: unknown; context: { resource: { name: string } } };
    await fn(body.data, { ...body.context, resource: body.context.resource.name });
  }

  it("onWrite, onCreate, onUpdate and onDelete get snapshots and changes from the legacy JSON event", async () => {
    await registerV1("v1w-0", "document.write", "users/{uid}");
    await registerV1("v1c-0", "document.create", "users/{uid}");
    await registerV1("v1u-0", "document.update", "users/{uid}");
    await registerV1("v1d-0", "document.delete", "users/{uid}");
    await admin.db.doc("users/bo").set({ n: 1 });
    await admin.db.doc("users/bo").update({ n: 2 });
    await admin.db.doc("users/bo").delete();
    await emulator.triggersIdle();
    expect(deliveredTo("v1w-0")).toHaveLength(3);
    expect(deliveredTo("v1w-0")[0]!.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(deliveredTo("v1c-0")[0]!.body);
    expect(body.context).toMatchObject({
      eventType: "providers/cloud.firestore/eventTypes/document.create",
      resource: { name: `${DOCS}/users/bo`, service: "firestore.googleapis.com" },
    });
    const calls: unknown[] = [];
    const doc = functionsV1.firestore.document("users/{uid}");
    await runV1(
      doc.onCreate((snap, ctx) => void calls.push(["create", ctx.params.uid, snap.data()])) as never,
      deliveredTo("v1c-0")[0]!,
    );
    await runV1(
      doc.onUpdate(
        (change) => void calls.push(["update", change.before.data(), change.after.data()]),
      ) as never,
      deliveredTo("v1u-0")[0]!,
    );
    await runV1(
      doc.onDelete((snap) => void calls.push(["delete", snap.data()])) as never,
      deliveredTo("v1d-0")[0]!,
    );
    for (const d of deliveredTo("v1w-0")) {
      await runV1(
        doc.onWrite(
          (change) => void calls.push(["write", change.before.exists, change.after.exists]),
        ) as never,
        d,
      );
    }
    expect(calls).toEqual([
      ["create", "bo", { n: 1 }],
      ["update", { n: 1 }, { n: 2 }],
      ["delete", { n: 2 }],
      ["write", false, true],
      ["write", true, true],
      ["write", true, false],
    ]);
  });
});

describe("delivery", () => {
  it("the emulator's clear endpoint fires no triggers", async () => {
    await admin.db.doc("items/x").set({});
    await registerV2("w-0", "written", "items/{id}");
    await clearData(emulator, PROJECT);
    await emulator.triggersIdle();
    expect(received).toEqual([]);
  });

  it("a function that fails is logged, and later events still reach it", async () => {
    await registerV2("bad-0", "written", "items/{id}");
    failKeys.add("bad-0");
    await admin.db.doc("items/1").set({});
    await emulator.triggersIdle();
    expect(logs.join("\n")).toMatch(/Firestore trigger bad-0 .* failed: HTTP 500 boom/);
    failKeys.clear();
    await admin.db.doc("items/2").set({});
    await emulator.triggersIdle();
    expect(deliveredTo("bad-0")).toHaveLength(2);
  });

  it("without a Functions emulator, events are dropped with one warning", async () => {
    const lonely: string[] = [];
    const other = await startFirestoreEmulator({ port: 0, projectId: PROJECT, log: (m) => lonely.push(m) });
    const otherAdmin = adminFirestore(other, PROJECT);
    try {
      await fetch(
        `http://${other.address}/emulator/v1/projects/${PROJECT}/eventarcTrigger?eventarcTriggerId=k`,
        {
          method: "POST",
          body: JSON.stringify({
            eventType: "google.cloud.firestore.document.v1.written",
            database: "(default)",
            namespace: "(default)",
            document: { value: "a/{b}", matchType: "PATH_PATTERN" },
          }),
        },
      );
      await otherAdmin.db.doc("a/1").set({});
      await otherAdmin.db.doc("a/2").set({});
      await other.triggersIdle();
      expect(lonely.filter((m) => m.includes("no Functions emulator"))).toHaveLength(1);
    } finally {
      await otherAdmin.close();
      await other.stop();
      process.env.FIRESTORE_EMULATOR_HOST = emulator.address;
    }
  });
});
