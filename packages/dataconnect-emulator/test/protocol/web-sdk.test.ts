// The official web SDK (`firebase/data-connect`, in Node) against the emulator and the real core.
import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import {
  connectDataConnectEmulator,
  executeMutation,
  executeQuery,
  getDataConnect,
  mutationRef,
  queryRef,
} from "firebase/data-connect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { UNAUTHORIZED_MESSAGE } from "../../src/errors.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { notesConfig, type TempDir, tempDir } from "./support/config-dir.ts";
import { openSharedDatabase, startEmulator } from "./support/emulator.ts";
import { emulatorIdToken } from "./support/tokens.ts";
import { signInWithIdToken } from "./support/web-auth.ts";

let db: Database;
let config: TempDir;
let emulator: RunningEmulator;
const apps: FirebaseApp[] = [];

beforeAll(async () => {
  db = await openSharedDatabase();
  config = await tempDir(notesConfig());
  emulator = await startEmulator(config.dir, db);
  await db.query("INSERT INTO note (owner, text) VALUES ('alice', 'a1'), ('bob', 'b1')");
});
afterAll(async () => {
  await emulator.stop();
  await db.close();
  await config.remove();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
});

/** A web app connected to the emulator, signed in as `uid` if given. */
function webDataConnect(uid?: string) {
  const app = initializeApp(
    { projectId: "demo-test", apiKey: "fake-api-key" },
    `app-${apps.length}-${Date.now()}`,
  );
  apps.push(app);
  if (uid) signInWithIdToken(app, uid, emulatorIdToken(uid));
  const dc = getDataConnect(app, { connector: "main", service: "svc", location: "us-central1" });
  const { port } = emulator.addresses[0]!;
  connectDataConnectEmulator(dc, "127.0.0.1", port);
  return dc;
}

describe("web SDK", () => {
  it("runs a PUBLIC query signed out", async () => {
    const result = await executeQuery(queryRef(webDataConnect(), "ListNotes"));
    expect(result.data).toEqual({
      notes: [
        { text: "a1", owner: "alice" },
        { text: "b1", owner: "bob" },
      ],
    });
  });

  it("sends the signed-in user's ID token, so auth.uid is that user", async () => {
    const result = await executeQuery(queryRef(webDataConnect("alice"), "MyNotes"));
    expect(result.data).toEqual({ notes: [{ text: "a1" }] });
  });

  it("runs a mutation as the signed-in user (executeMutation)", async () => {
    const dc = webDataConnect("carol");
    await executeMutation(mutationRef(dc, "AddNote", { text: "c1" }));
    const result = await executeQuery(queryRef(dc, "MyNotes"));
    expect(result.data).toEqual({ notes: [{ text: "c1" }] });
  });

  it("is refused a USER query when signed out (unauthorized)", async () => {
    await expect(executeQuery(queryRef(webDataConnect(), "MyNotes"))).rejects.toMatchObject({
      code: "unauthorized",
    });
  });

  it("is refused an operation without @auth with the pinned message", async () => {
    await expect(executeQuery(queryRef(webDataConnect("alice"), "Locked"))).rejects.toThrow(
      UNAUTHORIZED_MESSAGE,
    );
  });
});
