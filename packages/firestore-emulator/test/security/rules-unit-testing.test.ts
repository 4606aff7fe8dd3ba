import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { setLogLevel } from "firebase/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningFirestoreEmulator } from "../../src/index.ts";
import { startTestEmulator } from "../helpers.ts";

const PROJECT = "demo-rut";
const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /notes/{id} {
      allow read: if request.auth != null && resource.data.owner == request.auth.uid;
      allow create: if request.auth != null && request.resource.data.owner == request.auth.uid;
    }
  }
}`;

describe("@firebase/rules-unit-testing against the engine", () => {
  let emulator: RunningFirestoreEmulator;
  let env: RulesTestEnvironment;

  beforeAll(async () => {
    setLogLevel("silent");
    emulator = await startTestEmulator(PROJECT);
    env = await initializeTestEnvironment({
      projectId: PROJECT,
      firestore: { host: "127.0.0.1", port: emulator.port, rules: RULES },
    });
  });
  afterAll(async () => {
    await env?.cleanup();
    await emulator?.stop();
  });
  beforeEach(() => env.clearFirestore());

  it("lets an authenticated context write and read what the rules allow", async () => {
    const db = env.authenticatedContext("alice").firestore();
    await assertSucceeds(db.doc("notes/n1").set({ owner: "alice", text: "hi" }));
    const snap = await assertSucceeds(db.doc("notes/n1").get());
    expect(snap.data()).toEqual({ owner: "alice", text: "hi" });
  });

  it("makes assertFails pass on a rules denial for another user", async () => {
    await env.authenticatedContext("alice").firestore().doc("notes/n1").set({ owner: "alice" });
    await assertFails(env.authenticatedContext("bob").firestore().doc("notes/n1").get());
    await assertFails(env.authenticatedContext("bob").firestore().doc("notes/n2").set({ owner: "alice" }));
  });

  it("denies an unauthenticated context", async () => {
    await assertFails(env.unauthenticatedContext().firestore().doc("notes/n1").set({ owner: "x" }));
  });

  it("bypasses rules inside withSecurityRulesDisabled", async () => {
    await env.withSecurityRulesDisabled(async (ctx) => {
      await ctx.firestore().doc("notes/seeded").set({ owner: "carol", any: true });
      await ctx.firestore().doc("elsewhere/x").set({ ok: true });
    });
    const snap = await env.authenticatedContext("carol").firestore().doc("notes/seeded").get();
    expect(snap.get("any")).toBe(true);
  });

  it("passes token claims from authenticatedContext to request.auth.token", async () => {
    const rules = `rules_version = '2';
service cloud.firestore { match /databases/{db}/documents { match /admin/{id} { allow read: if request.auth.token.role == 'admin'; } } }`;
    const env2 = await initializeTestEnvironment({
      projectId: "demo-rut-claims",
      firestore: { host: "127.0.0.1", port: emulator.port, rules },
    });
    try {
      await assertSucceeds(
        env2.authenticatedContext("a", { role: "admin" }).firestore().doc("admin/x").get(),
      );
      await assertFails(env2.authenticatedContext("b", { role: "user" }).firestore().doc("admin/x").get());
    } finally {
      await env2.cleanup();
    }
  });

  it("clears the project's documents with clearFirestore", async () => {
    await env.withSecurityRulesDisabled((ctx) => ctx.firestore().doc("notes/a").set({ owner: "alice" }));
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (ctx) => {
      expect((await ctx.firestore().doc("notes/a").get()).exists).toBe(false);
    });
  });

  it("rejects rules that do not compile, naming the line and column", async () => {
    await expect(
      initializeTestEnvironment({
        projectId: "demo-rut-broken",
        firestore: {
          host: "127.0.0.1",
          port: emulator.port,
          rules: "service cloud.firestore {\n  match /x/{y} { allow read: if ; }\n}",
        },
      }),
    ).rejects.toThrow(/firestore\.rules:2:33/);
  });
});
