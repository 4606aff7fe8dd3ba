import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type ExecResult, emulatorsExec } from "./support/emulators.ts";
import { repoRoot } from "./support/repo.ts";

const EMULATOR_BINARY = path.join(repoRoot, "packages/dataconnect-emulator/bin/dataconnect-emulator");

describe("firebase emulators:exec --only auth,dataconnect with our Data Connect emulator", () => {
  let run: ExecResult;

  beforeAll(async () => {
    run = await emulatorsExec({
      only: ["auth", "dataconnect"],
      command: "node test/e2e/clients/dataconnect-getme.ts",
      env: { DATACONNECT_EMULATOR_BINARY_PATH: EMULATOR_BINARY },
    });
  });

  it("exits 0 after the client finishes", () => {
    expect(run.code, run.output).toBe(0);
  });

  it("runs our executable instead of downloading the official one", () => {
    expect(run.output).toContain(`Using dataconnect emulator at ${EMULATOR_BINARY}`);
    expect(run.output).not.toMatch(/Downloading .*dataconnect/i);
  });

  it("lets firebase-tools configure it with its PGlite and reach it", () => {
    expect(run.output).toMatch(/Started up Postgres server/);
    expect(run.output).not.toMatch(/Could not connect to SQL Connect emulator/);
  });

  it("refuses GetMe (@auth USER) to a signed-out web client", () => {
    expect(run.result).toMatchObject({ signedOut: "unauthorized" });
  });

  it("runs GetMe for a user signed in on the Auth emulator: null before the account has a row", () => {
    expect(run.result).toMatchObject({ uid: expect.any(String), beforeMirror: { user: null } });
  });

  it("answers firebase-admin's executeGraphql from the migrated, empty users table", () => {
    expect(run.result).toMatchObject({ adminUsers: [] });
  });

  it("pushes GetMe's new result over the realtime stream when the user changes their profile", () => {
    expect(run.result).toMatchObject({ live: { user: { username: "ada_live" } } });
  });

  it("finds the row firebase-admin inserted for the signed-in user", () => {
    const { uid } = run.result as { uid: string };
    expect(run.result).toMatchObject({
      afterMirror: {
        user: { uid, displayName: "Ada", username: null, avatarUrl: null, createdAt: expect.any(String) },
      },
    });
  });
});
