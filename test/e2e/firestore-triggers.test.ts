// Firestore document triggers under `npm start`: our Firestore engine delivers document changes to the
// real Functions emulator (firebase-tools), as the official Firestore emulator does. A test-only
// codebase (fixtures/trigger-kinds) has one function per trigger kind; the product's onProfileWritten
// keeps the Postgres User row in step with the user's Firestore profile.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDocument } from "../../packages/firestore-emulator/src/model/document.ts";
import { cloudEventDelivery } from "../../packages/firestore-emulator/src/triggers/events.ts";
import { parseV2Trigger } from "../../packages/firestore-emulator/src/triggers/registry.ts";
import { type TempFirebaseConfig, tempFirebaseConfig } from "./support/config.ts";
import { type CollectedOutput, collectOutput } from "./support/process.ts";
import { pinnedPath, repoRoot } from "./support/repo.ts";

const PROJECT = "demo-rookery";
let config: TempFirebaseConfig;
let output: CollectedOutput;
let exit: Promise<number | null>;
let stop: () => void;
let dataDir: string;
let db: Firestore;
let adminApp: ReturnType<typeof initializeApp> | undefined;

const firestoreUrl = () => `http://127.0.0.1:${config.ports.firestore}`;
const docsPath = `projects/${PROJECT}/databases/(default)/documents`;

beforeAll(async () => {
  config = await tempFirebaseConfig();
  // The fixture codebase runs beside the product's functions, in this test's config only.
  const firebaseJson = JSON.parse(await readFile(config.path, "utf8"));
  firebaseJson.functions.push({ source: "test/e2e/fixtures/trigger-kinds", codebase: "trigger-kinds" });
  await writeFile(config.path, JSON.stringify(firebaseJson, null, 2));
  dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-triggers-"));
  const child = spawn("node", [path.join(repoRoot, "scripts/start.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PATH: pinnedPath(),
      ROOKERY_FIREBASE_CONFIG: config.path,
      ROOKERY_DATA_DIR: dataDir,
      ROOKERY_SEED: "off",
      // Eleven functions start their workers at once on the first events; on a busy 2-core machine that
      // can take longer than firebase-tools' default 30 s per worker.
      FUNCTIONS_DISCOVERY_TIMEOUT: "120",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  output = collectOutput(child);
  exit = new Promise((resolve) => child.on("close", resolve));
  stop = () => child.kill("SIGINT");
  await output.waitFor(/Press Ctrl-C to stop/, 150_000);
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${config.ports.firestore}`;
  process.env.METADATA_SERVER_DETECTION = "none";
  adminApp = initializeApp({ projectId: PROJECT }, "firestore-triggers-e2e");
  db = getFirestore(adminApp);
});

afterAll(async () => {
  if (adminApp) await deleteApp(adminApp);
  stop();
  await exit;
  await config.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

/**
 * Polls until `read` returns a truthy value, or fails. Generous: the first event of each function starts
 * its worker, and on a busy 2-core machine eleven cold workers took over 30 s.
 */
async function eventually<T>(read: () => Promise<T | undefined | null | false>, what: string): Promise<T> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${output.text.slice(-3000)}`);
}

/** What the fixture function `fn` recorded for document `id`, in event order, once `count` arrived. */
async function recorded(fn: string, id: string, count: number): Promise<Record<string, unknown>[]> {
  return eventually(async () => {
    const snap = await db.collection("triggerLog").where("fn", "==", fn).where("id", "==", id).get();
    const entries = snap.docs
      .map((d) => d.data())
      .sort((a, b) => String(a.time).localeCompare(String(b.time)));
    return entries.length >= count && entries;
  }, `${count} event(s) of ${fn} for ${id}`);
}

/** Signs a user up with the Auth emulator; returns their uid and ID token. */
async function signUp(email: string): Promise<{ uid: string; idToken: string }> {
  const res = await fetch(
    `http://127.0.0.1:${config.ports.auth}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "correct-horse-battery", returnSecureToken: true }),
    },
  );
  const body = (await res.json()) as { localId: string; idToken: string };
  return { uid: body.localId, idToken: body.idToken };
}

/** Patches a document through the REST API as the holder of `idToken`. */
async function patchAs(idToken: string, docPath: string, fields: Record<string, unknown>): Promise<void> {
  const mask = Object.keys(fields)
    .map((f) => `updateMask.fieldPaths=${f}`)
    .join("&");
  const res = await fetch(`${firestoreUrl()}/v1/${docsPath}/${docPath}?${mask}`, {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: `Bearer ${idToken}` },
    body: JSON.stringify({
      fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { stringValue: v }])),
    }),
  });
  expect(res.status).toBe(200);
}

/** The User row of `uid` in Data Connect (admin access through the emulator's executeGraphql). */
async function userRow(uid: string): Promise<Record<string, unknown> | null> {
  const res = await fetch(
    `http://127.0.0.1:${config.ports.dataconnect}/v1/projects/${PROJECT}/locations/us-central1/services/rookery:executeGraphql`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ user(key: {uid: "${uid}"}) { displayName avatarUrl bio profileVersion } }`,
      }),
    },
  );
  return ((await res.json()) as { data: { user: Record<string, unknown> | null } }).data.user;
}

describe("trigger registration", () => {
  it("registers every Firestore trigger of every codebase with the engine", async () => {
    const res = await fetch(`${firestoreUrl()}/emulator/v1/projects/${PROJECT}/triggers`);
    const { triggers } = (await res.json()) as { triggers: { key: string }[] };
    const names = triggers.map((t) => t.key.replace(/^us-central1-/, "").replace(/-\d+$/, "")).sort();
    expect(names).toEqual([
      "onProfileWritten",
      "v1Create",
      "v1Delete",
      "v1Update",
      "v1Write",
      "v2Created",
      "v2Deep",
      "v2Deleted",
      "v2SettingsWithAuth",
      "v2Updated",
      "v2Written",
      "v2WrittenWithAuth",
    ]);
    expect(output.text).toMatch(
      /Firestore triggers registered with the Firestore engine: .*onProfileWritten/,
    );
  });
});

describe("document events reach the functions", () => {
  beforeAll(async () => {
    await db.doc("kinds/a").set({ v: 1 });
    await db.doc("kinds/a").update({ v: 2 });
    await db.doc("kinds/a").delete();
  });

  it("2nd gen: created, updated and deleted fire for their operation, with the document's data", async () => {
    expect(await recorded("v2Created", "a", 1)).toMatchObject([{ after: { v: 1 } }]);
    expect(await recorded("v2Updated", "a", 1)).toMatchObject([{ before: { v: 1 }, after: { v: 2 } }]);
    expect(await recorded("v2Deleted", "a", 1)).toMatchObject([{ before: { v: 2 } }]);
  });

  it("2nd gen: written fires for all three, in commit order", async () => {
    expect(await recorded("v2Written", "a", 3)).toMatchObject([
      { before: null, after: { v: 1 } },
      { before: { v: 1 }, after: { v: 2 } },
      { before: { v: 2 }, after: null },
    ]);
  });

  it("1st gen: onCreate, onUpdate, onDelete and onWrite get their snapshots and changes", async () => {
    expect(await recorded("v1Create", "a", 1)).toMatchObject([{ after: { v: 1 } }]);
    expect(await recorded("v1Update", "a", 1)).toMatchObject([{ before: { v: 1 }, after: { v: 2 } }]);
    expect(await recorded("v1Delete", "a", 1)).toMatchObject([{ before: { v: 2 } }]);
    expect(await recorded("v1Write", "a", 3)).toMatchObject([
      { before: null, after: { v: 1 } },
      { before: { v: 1 }, after: { v: 2 } },
      { before: { v: 2 }, after: null },
    ]);
  });

  it("...WithAuthContext names the writer: a service account for the Admin SDK, the uid for a user", async () => {
    expect(await recorded("v2WrittenWithAuth", "a", 3)).toMatchObject([
      { authType: "service_account" },
      { authType: "service_account" },
      { authType: "service_account" },
    ]);
    // The user writes where firestore.rules (enforced by npm start, over REST too) lets them: their settings.
    const { uid, idToken } = await signUp("writer@example.test");
    await patchAs(idToken, `users/${uid}/settings/theme`, { note: "hi" });
    expect(await recorded("v2SettingsWithAuth", "theme", 1)).toMatchObject([
      { authType: "app_user", authId: uid, uid },
    ]);
  });

  it("path patterns capture every wildcard", async () => {
    await db.doc("deep/x/items/y").set({});
    expect(await recorded("v2Deep", "y", 1)).toMatchObject([{ params: { a: "x", b: "y" } }]);
  });
});

describe("the Postgres User row follows the user's Firestore profile (onProfileWritten)", () => {
  let uid: string;
  let idToken: string;

  beforeAll(async () => {
    ({ uid, idToken } = await signUp("grace@example.test"));
    // The Auth trigger creates the profile and the row; the profile's creation syncs it too.
    await eventually(async () => (await userRow(uid))?.profileVersion, "the mirrored row");
  });

  it("an edit of display name, avatar and bio reaches the row", async () => {
    await patchAs(idToken, `profiles/${uid}`, {
      displayName: "Grace H.",
      bio: "Compilers.",
      avatarUrl: "https://img.test/grace.png",
    });
    expect(
      await eventually(async () => {
        const row = await userRow(uid);
        return row?.bio === "Compilers." && row;
      }, "the edited row"),
    ).toMatchObject({ displayName: "Grace H.", avatarUrl: "https://img.test/grace.png" });
  });

  it("quick successive edits end at the last one", async () => {
    for (const name of ["G1", "G2", "G3"]) await patchAs(idToken, `profiles/${uid}`, { displayName: name });
    const profile = await db.doc(`profiles/${uid}`).get();
    await eventually(async () => (await userRow(uid))?.displayName === "G3", "the last edit");
    await new Promise((r) => setTimeout(r, 500));
    expect((await userRow(uid))?.displayName).toBe(profile.get("displayName"));
  });

  it("a late, older event replayed to the function changes nothing", async () => {
    const before = await userRow(uid);
    const keys = (await (
      await fetch(`${firestoreUrl()}/emulator/v1/projects/${PROJECT}/triggers`)
    ).json()) as {
      triggers: { key: string }[];
    };
    const key = keys.triggers.find((t) => t.key.includes("onProfileWritten"))!.key;
    const trigger = parseV2Trigger(PROJECT, key, {
      eventType: "google.cloud.firestore.document.v1.written",
      database: "(default)",
      namespace: "(default)",
      document: { value: "profiles/{uid}", matchType: "PATH_PATTERN" },
    });
    const old = {
      name: `${docsPath}/profiles/${uid}`,
      path: `profiles/${uid}`,
      fields: new Map([["displayName", { kind: "string" as const, value: "An old name" }]]),
      createTime: 1_000_000,
      updateTime: 2_000_000,
    };
    expect(encodeDocument(old).name).toBe(old.name);
    const delivery = cloudEventDelivery(trigger, {
      projectId: PROJECT,
      databaseId: "(default)",
      path: old.path,
      before: null,
      after: old,
      commitTime: old.updateTime,
      principal: { authType: "service_account" },
    });
    const res = await fetch(
      `http://127.0.0.1:${config.ports.functions}/functions/projects/${PROJECT}/triggers/${key}`,
      { method: "POST", headers: delivery.headers, body: delivery.body },
    );
    // The Functions emulator answers once the function has finished.
    expect(res.status).toBe(200);
    expect(await userRow(uid)).toEqual(before);
  });
});
