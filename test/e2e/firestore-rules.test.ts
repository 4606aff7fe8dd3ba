// The product's firestore.rules, tested the way Firebase developers test rules: with
// @firebase/rules-unit-testing against our Firestore engine. Every rule has a test that tries to break in.
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import firebase from "firebase/compat/app";
import "firebase/compat/firestore";
import { setLogLevel } from "firebase/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type RunningFirestoreEmulator,
  startFirestoreEmulator,
} from "../../packages/firestore-emulator/src/index.ts";
import { repoRoot } from "./support/repo.ts";

const PROJECT = "demo-rookery-rules";
// rules-unit-testing hands out compat Firestore instances, which take compat sentinels.
const compat = firebase as unknown as {
  firestore: {
    FieldValue: { serverTimestamp(): object; increment(n: number): object };
    Timestamp: { fromMillis(ms: number): object };
  };
};
const serverTimestamp = () => compat.firestore.FieldValue.serverTimestamp();

let emulator: RunningFirestoreEmulator;
let env: RulesTestEnvironment;

const as = (uid: string) => env.authenticatedContext(uid).firestore();
const signedOut = () => env.unauthenticatedContext().firestore();
const seed = (docs: Record<string, object>) =>
  env.withSecurityRulesDisabled(async (ctx) => {
    for (const [p, data] of Object.entries(docs)) await ctx.firestore().doc(p).set(data);
  });

beforeAll(async () => {
  setLogLevel("silent");
  emulator = await startFirestoreEmulator({ port: 0, projectId: PROJECT, log: () => {} });
  env = await initializeTestEnvironment({
    projectId: PROJECT,
    firestore: {
      host: "127.0.0.1",
      port: emulator.port,
      rules: readFileSync(path.join(repoRoot, "firestore.rules"), "utf8"),
    },
  });
});
afterAll(async () => {
  await env?.cleanup();
  await emulator?.stop();
});
beforeEach(() => env.clearFirestore());

describe("profiles/{uid}", () => {
  const valid = { displayName: "Alice", bio: "hi", avatarUrl: "https://img.test/a.png" };

  it("can be read and listed by any signed-in user", async () => {
    await seed({ "profiles/alice": valid });
    await assertSucceeds(as("bob").doc("profiles/alice").get());
    await assertSucceeds(as("bob").collection("profiles").get());
  });

  it("cannot be read or listed signed out", async () => {
    await seed({ "profiles/alice": valid });
    await assertFails(signedOut().doc("profiles/alice").get());
    await assertFails(signedOut().collection("profiles").get());
  });

  it("can be created and updated by its owner with a server timestamp", async () => {
    await assertSucceeds(
      as("alice")
        .doc("profiles/alice")
        .set({ ...valid, updatedAt: serverTimestamp() }),
    );
    await assertSucceeds(as("alice").doc("profiles/alice").update({ bio: "new bio" }));
    await assertSucceeds(
      as("alice").doc("profiles/alice").update({ avatarUrl: null, updatedAt: serverTimestamp() }),
    );
  });

  it("accepts the profile the sign-up function writes (avatarUrl null)", async () => {
    await seed({ "profiles/alice": { displayName: "alice", avatarUrl: null } });
    await assertSucceeds(as("alice").doc("profiles/alice").update({ displayName: "Alice L." }));
  });

  it("cannot be created, updated or deleted by another user", async () => {
    await assertFails(as("mallory").doc("profiles/alice").set(valid));
    await seed({ "profiles/alice": valid });
    await assertFails(as("mallory").doc("profiles/alice").update({ bio: "pwned" }));
    await assertFails(as("mallory").doc("profiles/alice").delete());
  });

  it("cannot be written signed out", async () => {
    await assertFails(signedOut().doc("profiles/alice").set(valid));
  });

  it("can be deleted by its owner", async () => {
    await seed({ "profiles/alice": valid });
    await assertSucceeds(as("alice").doc("profiles/alice").delete());
  });

  it("rejects keys outside displayName, bio, avatarUrl and updatedAt", async () => {
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ ...valid, role: "admin" }),
    );
    await seed({ "profiles/alice": valid });
    await assertFails(as("alice").doc("profiles/alice").update({ verified: true }));
  });

  it("rejects an over-long or non-string displayName and bio", async () => {
    await assertSucceeds(
      as("alice")
        .doc("profiles/alice")
        .set({ displayName: "x".repeat(80) }),
    );
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ displayName: "x".repeat(81) }),
    );
    await assertFails(as("alice").doc("profiles/alice").set({ displayName: 42 }));
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ bio: "x".repeat(501) }),
    );
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ bio: ["not", "a", "string"] }),
    );
  });

  it("rejects an over-long, non-https or non-string avatarUrl", async () => {
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ avatarUrl: `https://x.test/${"a".repeat(2100)}` }),
    );
    await assertFails(as("alice").doc("profiles/alice").set({ avatarUrl: "javascript:alert(1)" }));
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ avatarUrl: { url: "https://x.test" } }),
    );
  });

  it("rejects an updatedAt the client chose", async () => {
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ ...valid, updatedAt: new Date(4102444800000) }),
    );
    await assertFails(
      as("alice")
        .doc("profiles/alice")
        .set({ ...valid, updatedAt: "yesterday" }),
    );
  });
});

describe("users/{uid}/settings/{doc}", () => {
  it("can be read, listed and written by their owner", async () => {
    await assertSucceeds(as("alice").doc("users/alice/settings/ui").set({ theme: "dark" }));
    await assertSucceeds(as("alice").doc("users/alice/settings/ui").get());
    await assertSucceeds(as("alice").collection("users/alice/settings").get());
    await assertSucceeds(as("alice").doc("users/alice/settings/ui").delete());
  });

  it("cannot be read, listed or written by another user", async () => {
    await seed({ "users/alice/settings/ui": { theme: "dark" } });
    await assertFails(as("bob").doc("users/alice/settings/ui").get());
    await assertFails(as("bob").collection("users/alice/settings").get());
    await assertFails(as("bob").doc("users/alice/settings/ui").set({ theme: "light" }));
    await assertFails(as("bob").doc("users/alice/settings/ui").delete());
  });

  it("cannot be read or written signed out", async () => {
    await seed({ "users/alice/settings/ui": { theme: "dark" } });
    await assertFails(signedOut().doc("users/alice/settings/ui").get());
    await assertFails(signedOut().doc("users/alice/settings/ui").set({ theme: "light" }));
  });

  it("cannot be reached across users with a collection group query", async () => {
    await seed({ "users/alice/settings/ui": { theme: "dark" } });
    await assertFails(as("alice").collectionGroup("settings").get());
  });
});

describe("users/{uid}/drafts/{draftId}", () => {
  const draft = { content: "a thought", updatedAt: serverTimestamp() };

  it("can be created, updated, read, listed and deleted by their owner", async () => {
    await assertSucceeds(as("alice").doc("users/alice/drafts/d1").set(draft));
    await assertSucceeds(
      as("alice").doc("users/alice/drafts/d1").update({ content: "edited", updatedAt: serverTimestamp() }),
    );
    await assertSucceeds(as("alice").doc("users/alice/drafts/d1").get());
    await assertSucceeds(as("alice").collection("users/alice/drafts").get());
    await assertSucceeds(as("alice").doc("users/alice/drafts/d1").delete());
  });

  it("stay private: another user cannot read, list, listen to, write or delete them", async () => {
    await seed({ "users/alice/drafts/d1": { content: "secret" } });
    await assertFails(as("bob").doc("users/alice/drafts/d1").get());
    await assertFails(as("bob").collection("users/alice/drafts").get());
    await assertFails(as("bob").collection("users/alice/drafts").where("content", "==", "secret").get());
    await assertFails(
      new Promise((resolve, reject) => as("bob").doc("users/alice/drafts/d1").onSnapshot(resolve, reject)),
    );
    await assertFails(as("bob").doc("users/alice/drafts/d2").set({ content: "planted" }));
    await assertFails(as("bob").doc("users/alice/drafts/d1").update({ content: "changed" }));
    await assertFails(as("bob").doc("users/alice/drafts/d1").delete());
  });

  it("stay private signed out", async () => {
    await seed({ "users/alice/drafts/d1": { content: "secret" } });
    await assertFails(signedOut().doc("users/alice/drafts/d1").get());
    await assertFails(signedOut().doc("users/alice/drafts/d2").set({ content: "x" }));
  });

  it("cannot be collected across users with a collection group query", async () => {
    await seed({ "users/alice/drafts/d1": { content: "secret" } });
    await assertFails(as("bob").collectionGroup("drafts").get());
    await assertFails(as("alice").collectionGroup("drafts").get());
  });

  it("need string content of at most 10,000 characters", async () => {
    await assertSucceeds(
      as("alice")
        .doc("users/alice/drafts/d1")
        .set({ content: "x".repeat(10_000) }),
    );
    await assertFails(
      as("alice")
        .doc("users/alice/drafts/d2")
        .set({ content: "x".repeat(10_001) }),
    );
    await assertFails(as("alice").doc("users/alice/drafts/d3").set({ content: 7 }));
    await assertFails(as("alice").doc("users/alice/drafts/d4").set({ title: "no content" }));
  });

  it("reject keys beyond content and updatedAt (no over-long payload on the side)", async () => {
    await assertFails(
      as("alice")
        .doc("users/alice/drafts/d1")
        .set({ content: "ok", attachment: "x".repeat(500_000) }),
    );
  });

  it("reject an updatedAt the client chose", async () => {
    await assertFails(
      as("alice")
        .doc("users/alice/drafts/d1")
        .set({ content: "ok", updatedAt: new Date(0) }),
    );
  });
});

describe("users/{uid}/notifications and the unread counter", () => {
  const at = (ms: number) => compat.firestore.Timestamp.fromMillis(ms);
  const group = (read: boolean, changedMs: number) => ({
    kind: "like",
    postId: "p1",
    latestPostId: null,
    actorCount: 2,
    latestAt: at(changedMs),
    actors: [{ uid: "bob", username: null, displayName: "Bob", avatarUrl: null, at: at(changedMs) }],
    read,
    changedAt: at(changedMs),
    updatedAt: at(changedMs),
  });
  const counter = (unread: number, readThroughMs: number | null = null) => ({
    unread,
    readThrough: readThroughMs === null ? null : at(readThroughMs),
    lastRead: null,
    followsSince: null,
  });
  const G = "users/alice/notifications";
  const C = "users/alice/notificationState/counter";
  // Alice has two unread groups, one read one, and the counter says 2.
  const seedAlice = () =>
    seed({
      [`${G}/like_p1`]: group(false, 2_000),
      [`${G}/reply_p1`]: group(false, 3_000),
      [`${G}/like_p0`]: group(true, 1_000),
      [C]: counter(2),
    });
  /** Alice's "mark one read": the group and the counter in one batch, as the client helper writes it. */
  const markRead = (db: ReturnType<typeof as>, id: string, counterChange: object) => {
    const batch = db.batch();
    batch.update(db.doc(`${G}/${id}`), { read: true });
    batch.update(db.doc(C), counterChange);
    return batch.commit();
  };
  const unreadOf = async () => {
    let unread: unknown;
    await env.withSecurityRulesDisabled(async (ctx) => {
      unread = (await ctx.firestore().doc(C).get()).data()?.unread;
    });
    return unread;
  };

  it("can be read, listed and listened to by their owner, with the counter", async () => {
    await seedAlice();
    await assertSucceeds(as("alice").doc(`${G}/like_p1`).get());
    await assertSucceeds(as("alice").collection(G).orderBy("latestAt", "desc").get());
    await assertSucceeds(as("alice").collection(G).where("read", "==", false).get());
    await assertSucceeds(
      new Promise((resolve, reject) => as("alice").collection(G).onSnapshot(resolve, reject)),
    );
    await assertSucceeds(as("alice").doc(C).get());
  });

  it("cannot be read, listed or listened to by anyone else, signed out, or across users", async () => {
    await seedAlice();
    await assertFails(as("bob").doc(`${G}/like_p1`).get());
    await assertFails(as("bob").collection(G).get());
    await assertFails(new Promise((resolve, reject) => as("bob").collection(G).onSnapshot(resolve, reject)));
    await assertFails(as("bob").doc(C).get());
    await assertFails(signedOut().collection(G).get());
    await assertFails(signedOut().doc(C).get());
    await assertFails(as("alice").collectionGroup("notifications").get());
    await assertFails(as("bob").collectionGroup("notificationState").get());
  });

  it("can be marked read one at a time, taking exactly one off the unread count", async () => {
    await seedAlice();
    await assertSucceeds(
      markRead(as("alice"), "like_p1", {
        unread: compat.firestore.FieldValue.increment(-1),
        lastRead: "like_p1",
      }),
    );
    expect(await unreadOf()).toBe(1);
    await assertSucceeds(markRead(as("alice"), "reply_p1", { unread: 0, lastRead: "reply_p1" }));
    expect(await unreadOf()).toBe(0);
  });

  it("cannot be marked read without the counter, nor the counter lowered without marking", async () => {
    await seedAlice();
    await assertFails(as("alice").doc(`${G}/like_p1`).update({ read: true }));
    await assertFails(as("alice").doc(C).update({ unread: 1, lastRead: "like_p1" }));
    await assertFails(as("alice").doc(C).update({ unread: 1 }));
    expect(await unreadOf()).toBe(2);
  });

  it("cannot mark two groups read for one off the count, or take off more than one", async () => {
    await seedAlice();
    const db = as("alice");
    const batch = db.batch();
    batch.update(db.doc(`${G}/like_p1`), { read: true });
    batch.update(db.doc(`${G}/reply_p1`), { read: true });
    batch.update(db.doc(C), { unread: 1, lastRead: "like_p1" });
    await assertFails(batch.commit());
    await assertFails(markRead(db, "like_p1", { unread: 0, lastRead: "like_p1" }));
    await assertFails(markRead(db, "like_p1", { unread: 1, lastRead: "reply_p1" }));
    expect(await unreadOf()).toBe(2);
  });

  it("cannot take a read group off the count again", async () => {
    await seedAlice();
    await assertFails(markRead(as("alice"), "like_p0", { unread: 1, lastRead: "like_p0" }));
    // Older than the last "mark all read": read already, though its flag was never set.
    await seed({ [C]: counter(1, 2_500), [`${G}/reply_p1`]: group(false, 3_000) });
    await assertFails(markRead(as("alice"), "like_p1", { unread: 0, lastRead: "like_p1" }));
    await assertSucceeds(markRead(as("alice"), "reply_p1", { unread: 0, lastRead: "reply_p1" }));
  });

  it("allow no other field to change, and no way back to unread", async () => {
    await seedAlice();
    const db = as("alice");
    for (const change of [
      { actorCount: 99 },
      { kind: "follow" },
      { actors: [] },
      { read: true, actorCount: 99 },
      { changedAt: serverTimestamp() },
    ]) {
      const batch = db.batch();
      batch.update(db.doc(`${G}/like_p1`), change);
      batch.update(db.doc(C), { unread: 1, lastRead: "like_p1" });
      await assertFails(batch.commit());
    }
    await assertFails(db.doc(`${G}/like_p0`).update({ read: false }));
    await assertFails(db.doc(C).update({ unread: 2, followsSince: serverTimestamp() }));
    await assertFails(db.doc(C).update({ unread: 5 }));
  });

  it("cannot be created or deleted by clients, the counter neither", async () => {
    await seedAlice();
    const db = as("alice");
    await assertFails(db.doc(`${G}/like_forged`).set(group(false, 4_000)));
    await assertFails(db.doc(`${G}/like_p1`).delete());
    await assertFails(db.doc(C).delete());
    await assertFails(db.doc("users/alice/notificationState/other").set({ unread: 0 }));
    await assertFails(as("bob").doc("users/bob/notifications/like_p1").set(group(false, 1)));
    await env.clearFirestore();
    await assertFails(as("alice").doc(C).set(counter(0)));
  });

  it("can all be marked read at once: nothing unread, as of the server's time", async () => {
    await seedAlice();
    await assertSucceeds(as("alice").doc(C).update({ unread: 0, readThrough: serverTimestamp() }));
    expect(await unreadOf()).toBe(0);
  });

  it("cannot be marked all read with a chosen time, a count other than 0, or by someone else", async () => {
    await seedAlice();
    await assertFails(
      as("alice")
        .doc(C)
        .update({ unread: 0, readThrough: at(9_999_999_999_999) }),
    );
    await assertFails(
      as("alice")
        .doc(C)
        .update({ unread: 0, readThrough: at(0) }),
    );
    await assertFails(as("alice").doc(C).update({ unread: 1, readThrough: serverTimestamp() }));
    await assertFails(as("bob").doc(C).update({ unread: 0, readThrough: serverTimestamp() }));
    await assertFails(markRead(as("bob"), "like_p1", { unread: 1, lastRead: "like_p1" }));
    expect(await unreadOf()).toBe(2);
  });
});

describe("everything else", () => {
  it("is closed to clients", async () => {
    await assertFails(as("alice").doc("admin/config").get());
    await assertFails(as("alice").doc("admin/config").set({ open: true }));
    await assertFails(as("alice").doc("users/alice").set({ root: true }));
  });

  it("keeps the counter reconciliation's cursor (_system) from every client", async () => {
    for (const client of [as("alice"), signedOut()]) {
      await assertFails(client.doc("_system/counterReconciliation").get());
      await assertFails(client.doc("_system/counterReconciliation").set({ cursor: null }));
      await assertFails(client.collection("_system").get());
    }
  });
});
