import * as grpc from "@grpc/grpc-js";
import { deleteApp, initializeApp } from "firebase/app";
import {
  collection,
  connectFirestoreEmulator,
  doc,
  type Firestore,
  getCountFromServer,
  getDoc,
  getDocs,
  getFirestore,
  onSnapshot,
  query,
  runTransaction,
  serverTimestamp,
  setDoc,
  setLogLevel,
  terminate,
  where,
  writeBatch,
} from "firebase/firestore";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { adminFirestore, clearData, rawClient, startTestEmulator, unsignedToken } from "../helpers.ts";

const PROJECT = "demo-enforce";
const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /open/{id} { allow read, write; }
    match /closed/{id} { allow get: if false; }
    match /owned/{id} {
      allow read: if resource.data.owner == request.auth.uid;
      allow write: if request.resource.data.owner == request.auth.uid;
    }
    match /stamped/{id} { allow create: if request.resource.data.at == request.time; }
    match /pairs/{id} {
      allow create: if existsAfter(/databases/$(database)/documents/pairs/$(request.resource.data.partner));
    }
    match /profiles/{id} { allow get: if request.auth.token.email_verified == true && request.auth.token.firebase.sign_in_provider == 'password'; }
  }
}`;

const emulatorState: { emulator?: Awaited<ReturnType<typeof startTestEmulator>> } = {};
const apps: { db: Firestore; close: () => Promise<void> }[] = [];

function webAs(uid: string | undefined): Firestore {
  const app = initializeApp({ projectId: PROJECT, apiKey: "fake" }, `enforce-${uid}-${apps.length}`);
  const db = getFirestore(app);
  connectFirestoreEmulator(
    db,
    "127.0.0.1",
    emulatorState.emulator!.port,
    uid ? { mockUserToken: { sub: uid } } : {},
  );
  apps.push({
    db,
    close: async () => {
      await terminate(db);
      await deleteApp(app);
    },
  });
  return db;
}

function callAs<T = Record<string, unknown>>(
  method: string,
  request: object,
  authorization?: string,
): Promise<T> {
  const client = rawClient(emulatorState.emulator!);
  const metadata = new grpc.Metadata();
  if (authorization) metadata.set("authorization", authorization);
  return new Promise<T>((resolve, reject) => {
    (
      client[method] as unknown as (
        r: object,
        m: grpc.Metadata,
        cb: (e: grpc.ServiceError | null, r: T) => void,
      ) => void
    ).call(client, request, metadata, (error, response) => {
      client.close();
      error ? reject(error) : resolve(response);
    });
  });
}

interface ListenMessage {
  targetChange?: { targetChangeType: string; targetIds: number[]; cause?: { code: number } };
  documentChange?: { document: { name: string } };
}

const NAME = (path: string) => `projects/${PROJECT}/databases/(default)/documents/${path}`;

describe("security rules enforcement", () => {
  let admin: ReturnType<typeof adminFirestore>;

  beforeAll(async () => {
    setLogLevel("silent");
    emulatorState.emulator = await startTestEmulator(PROJECT);
    emulatorState.emulator.setRules(RULES, PROJECT);
    admin = adminFirestore(emulatorState.emulator, PROJECT);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await admin?.close();
    await emulatorState.emulator?.stop();
  });
  beforeEach(() => clearData(emulatorState.emulator!, PROJECT));

  it("lets firebase-admin (Bearer owner) bypass every rule", async () => {
    await admin.db.doc("closed/x").set({ secret: true });
    expect((await admin.db.doc("closed/x").get()).get("secret")).toBe(true);
    expect((await admin.db.collection("closed").get()).size).toBe(1);
  });

  it("rejects a batched write as a whole when one write is denied", async () => {
    const db = webAs("alice");
    const batch = writeBatch(db);
    batch.set(doc(db, "open/a"), { n: 1 });
    batch.set(doc(db, "owned/b"), { owner: "bob" });
    await expect(batch.commit()).rejects.toMatchObject({ code: "permission-denied" });
    expect((await admin.db.doc("open/a").get()).exists).toBe(false);
  });

  it("rejects a transaction as a whole when one write is denied", async () => {
    const db = webAs("alice");
    await expect(
      runTransaction(db, async (tx) => {
        await tx.get(doc(db, "open/t"));
        tx.set(doc(db, "open/t"), { n: 1 });
        tx.set(doc(db, "owned/t"), { owner: "mallory" });
      }),
    ).rejects.toMatchObject({ code: "permission-denied" });
    expect((await admin.db.doc("open/t").get()).exists).toBe(false);
  });

  it("lets getAfter see the other writes of the same batch", async () => {
    const db = webAs("alice");
    const batch = writeBatch(db);
    batch.set(doc(db, "pairs/a"), { partner: "b" });
    batch.set(doc(db, "pairs/b"), { partner: "a" });
    await batch.commit();
    await expect(setDoc(doc(db, "pairs/c"), { partner: "nobody" })).rejects.toMatchObject({
      code: "permission-denied",
    });
  });

  it("sets request.time to the commit time, so server timestamps equal it", async () => {
    await setDoc(doc(webAs("alice"), "stamped/s"), { at: serverTimestamp() });
    await expect(setDoc(doc(webAs("alice"), "stamped/t"), { at: new Date(0) })).rejects.toMatchObject({
      code: "permission-denied",
    });
  });

  it("denies a query the rules cannot prove, and allows it with the filter", async () => {
    await admin.db.doc("owned/1").set({ owner: "alice" });
    await admin.db.doc("owned/2").set({ owner: "bob" });
    const db = webAs("alice");
    await expect(getDocs(collection(db, "owned"))).rejects.toMatchObject({ code: "permission-denied" });
    const mine = await getDocs(query(collection(db, "owned"), where("owner", "==", "alice")));
    expect(mine.docs.map((d) => d.id)).toEqual(["1"]);
  });

  it("applies list rules to aggregations", async () => {
    const db = webAs("alice");
    await expect(getCountFromServer(collection(db, "owned"))).rejects.toMatchObject({
      code: "permission-denied",
    });
    const count = await getCountFromServer(query(collection(db, "owned"), where("owner", "==", "alice")));
    expect(count.data().count).toBe(0);
  });

  it("denies reads of a signed-out user", async () => {
    await admin.db.doc("owned/1").set({ owner: "alice" });
    await expect(getDoc(doc(webAs(undefined), "owned/1"))).rejects.toMatchObject({
      code: "permission-denied",
    });
  });

  it("fails a listener on a forbidden query with permission-denied", async () => {
    const db = webAs("alice");
    const error = await new Promise<{ code: string }>((resolve) => {
      onSnapshot(collection(db, "owned"), () => {}, resolve as never);
    });
    expect(error.code).toBe("permission-denied");
  });

  it("removes a forbidden listen target with PERMISSION_DENIED and keeps serving the stream", async () => {
    await admin.db.doc("open/ok").set({ n: 1 });
    const client = rawClient(emulatorState.emulator!);
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${unsignedToken({ sub: "alice" })}`);
    const stream = (
      client.Listen as unknown as (m: grpc.Metadata) => grpc.ClientDuplexStream<object, ListenMessage>
    ).call(client, metadata);
    const messages: ListenMessage[] = [];
    const seen = (predicate: (m: ListenMessage) => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (messages.some(predicate) ? resolve() : setTimeout(check, 10));
        check();
      });
    stream.on("data", (m) => messages.push(m));
    const database = `projects/${PROJECT}/databases/(default)`;
    stream.write({ database, addTarget: { targetId: 1, documents: { documents: [NAME("closed/x")] } } });
    stream.write({ database, addTarget: { targetId: 2, documents: { documents: [NAME("open/ok")] } } });
    await seen((m) => m.targetChange?.targetChangeType === "REMOVE" && m.targetChange.targetIds[0] === 1);
    await seen((m) => m.targetChange?.targetChangeType === "CURRENT" && m.targetChange.targetIds[0] === 2);
    const removed = messages.find((m) => m.targetChange?.targetChangeType === "REMOVE")!;
    expect(removed.targetChange?.cause?.code).toBe(7);
    expect(messages.some((m) => m.documentChange?.document.name === NAME("open/ok"))).toBe(true);
    stream.end();
    client.close();
  });

  it("decodes unsigned ID tokens like the Auth emulator's, claims included", async () => {
    const token = unsignedToken({
      sub: "u1",
      user_id: "u1",
      email: "u1@example.com",
      email_verified: true,
      firebase: { sign_in_provider: "password", identities: {} },
    });
    await expect(
      callAs("GetDocument", { name: NAME("profiles/u1") }, `Bearer ${token}`),
    ).rejects.toMatchObject({ code: 5 });
    const unverified = unsignedToken({
      sub: "u1",
      email_verified: false,
      firebase: { sign_in_provider: "password" },
    });
    await expect(
      callAs("GetDocument", { name: NAME("profiles/u1") }, `Bearer ${unverified}`),
    ).rejects.toMatchObject({ code: 7 });
  });

  it("answers UNAUTHENTICATED for a token that is not a JWT", async () => {
    await expect(callAs("GetDocument", { name: NAME("open/x") }, "Bearer not-a-token")).rejects.toMatchObject(
      { code: 16 },
    );
  });

  it("reports the evaluation in the denial message, as the official emulator does", async () => {
    await expect(callAs("GetDocument", { name: NAME("closed/x") })).rejects.toMatchObject({
      code: 7,
      details: "\nfalse for 'get' @ L5",
    });
    await expect(callAs("GetDocument", { name: NAME("nowhere/x") })).rejects.toMatchObject({
      details: "\nNo matching allow statements",
    });
  });

  it("keeps BatchWrite and collection listings to privileged callers", async () => {
    const write = { update: { name: NAME("open/bw"), fields: { n: { integerValue: "1" } } } };
    const database = `projects/${PROJECT}/databases/(default)`;
    await expect(callAs("BatchWrite", { database, writes: [write] })).rejects.toMatchObject({ code: 7 });
    await callAs("BatchWrite", { database, writes: [write] }, "Bearer owner");
    await expect(callAs("ListCollectionIds", { parent: `${database}/documents` })).rejects.toMatchObject({
      code: 7,
    });
    const ids = await callAs<{ collectionIds: string[] }>(
      "ListCollectionIds",
      { parent: `${database}/documents` },
      "Bearer owner",
    );
    expect(ids.collectionIds).toEqual(["open"]);
  });

  it("decides each of many concurrent clients by its own token", async () => {
    const database = `projects/${PROJECT}/databases/(default)`;
    const commit = (uid: string, owner: string, i: number) =>
      callAs(
        "Commit",
        {
          database,
          writes: [
            { update: { name: NAME(`owned/${uid}-${i}`), fields: { owner: { stringValue: owner } } } },
          ],
        },
        `Bearer ${unsignedToken({ sub: uid })}`,
      ).then(
        () => "ok",
        (e: { code: number }) => e.code,
      );
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        commit(`u${i % 8}`, i % 2 === 0 ? `u${i % 8}` : "someone-else", i),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? "ok" : 7)));
    const stored = await admin.db.collection("owned").get();
    expect(stored.size).toBe(20);
    expect(stored.docs.every((d) => d.id.startsWith(`${d.get("owner")}-`))).toBe(true);
  });

  it("checks list rules for ListDocuments", async () => {
    const parent = `projects/${PROJECT}/databases/(default)/documents`;
    await callAs("ListDocuments", { parent, collectionId: "open" });
    await expect(callAs("ListDocuments", { parent, collectionId: "owned" })).rejects.toMatchObject({
      code: 7,
    });
  });
});
