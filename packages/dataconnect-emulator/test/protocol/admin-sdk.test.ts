// firebase-admin's Data Connect client against the emulator and the real core (DATA_CONNECT_EMULATOR_HOST).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { notesConfig, type TempDir, tempDir } from "./support/config-dir.ts";
import { openSharedDatabase, startEmulator } from "./support/emulator.ts";

let db: Database;
let config: TempDir;
let emulator: RunningEmulator;
let dataConnect: import("firebase-admin/data-connect").DataConnect;
let deleteAdminApp: () => Promise<void>;

beforeAll(async () => {
  db = await openSharedDatabase();
  config = await tempDir(notesConfig());
  emulator = await startEmulator(config.dir, db);
  await db.query("INSERT INTO note (owner, text) VALUES ('alice', 'a1'), ('bob', 'b1')");
  // firebase-admin reads these when it builds requests; set them before it is loaded.
  process.env.DATA_CONNECT_EMULATOR_HOST = `127.0.0.1:${emulator.addresses[0]!.port}`;
  process.env.METADATA_SERVER_DETECTION = "none";
  const { initializeApp, deleteApp } = await import("firebase-admin/app");
  const { getDataConnect } = await import("firebase-admin/data-connect");
  const app = initializeApp({ projectId: "demo-test" }, `admin-${Date.now()}`);
  deleteAdminApp = () => deleteApp(app);
  dataConnect = getDataConnect({ serviceId: "svc", location: "us-central1", connector: "main" }, app);
});
afterAll(async () => {
  await deleteAdminApp();
  delete process.env.DATA_CONNECT_EMULATOR_HOST;
  await emulator.stop();
  await db.close();
  await config.remove();
});

describe("firebase-admin", () => {
  it("runs executeGraphql as the admin", async () => {
    const { data } = await dataConnect.executeGraphql("{ notes(orderBy: { text: ASC }) { text } }");
    expect(data).toEqual({ notes: [{ text: "a1" }, { text: "b1" }] });
  });

  it("runs executeGraphqlRead with variables", async () => {
    const { data } = await dataConnect.executeGraphqlRead(
      "query ByOwner($owner: String!) { notes(where: { owner: { eq: $owner } }) { text } }",
      { variables: { owner: "bob" } },
    );
    expect(data).toEqual({ notes: [{ text: "b1" }] });
  });

  it("is refused a mutation on executeGraphqlRead (permission-denied)", async () => {
    await expect(
      dataConnect.executeGraphqlRead('mutation { note_insert(data: { owner: "x", text: "y" }) }'),
    ).rejects.toMatchObject({ code: "data-connect/permission-denied" });
  });

  it("gets a query-error for a missing required variable", async () => {
    await expect(
      dataConnect.executeGraphql(
        "query ByOwner($owner: String!) { notes(where: { owner: { eq: $owner } }) { text } }",
      ),
    ).rejects.toMatchObject({ code: "data-connect/query-error" });
  });

  it("runs a connector query impersonating a user", async () => {
    const { data } = await dataConnect.executeQuery("MyNotes", undefined, {
      impersonate: {
        authClaims: {
          sub: "alice",
          email_verified: true,
          firebase: { sign_in_provider: "password", identities: {} },
        },
      },
    });
    expect(data).toEqual({ notes: [{ text: "a1" }] });
  });

  it("runs a connector mutation impersonating a user (impersonateMutation)", async () => {
    const dave = {
      sub: "dave",
      email_verified: true,
      firebase: { sign_in_provider: "password", identities: {} },
    };
    await dataConnect.executeMutation("AddNote", { text: "d1" }, { impersonate: { authClaims: dave } });
    const { data } = await dataConnect.executeQuery("MyNotes", undefined, {
      impersonate: { authClaims: dave },
    });
    expect(data).toEqual({ notes: [{ text: "d1" }] });
  });

  it("runs a connector query as the admin, bypassing @auth, without impersonation", async () => {
    const { data } = await dataConnect.executeQuery("Locked");
    expect(data).toMatchObject({ notes: expect.arrayContaining([{ text: "a1" }, { text: "b1" }]) });
  });

  it("is refused a USER query impersonating a signed-out user (unauthenticated)", async () => {
    await expect(
      dataConnect.executeQuery("MyNotes", undefined, { impersonate: { unauthenticated: true } }),
    ).rejects.toMatchObject({
      code: "data-connect/unauthenticated",
    });
  });

  it("gets not-found for an unknown operation", async () => {
    await expect(
      dataConnect.executeQuery("NoSuchOperation", undefined, { impersonate: { unauthenticated: true } }),
    ).rejects.toMatchObject({ code: "data-connect/not-found" });
  });
});
