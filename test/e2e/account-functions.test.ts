// The account functions end to end through `firebase emulators:exec` (offline, pinned toolchain): the
// real Auth and Functions emulators, our Data Connect and Firestore engines, the official web SDK.
// test/e2e/clients/account.ts plays the people; this file states what they must see.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningFirestoreEmulator,
  startFirestoreEmulator,
} from "../../packages/firestore-emulator/src/index.ts";
import { type ExecResult, emulatorsExec } from "./support/emulators.ts";
import { repoRoot } from "./support/repo.ts";

describe("account export and deletion through the Auth and Functions emulators", () => {
  let firestore: RunningFirestoreEmulator;
  let run: ExecResult;
  let result: Record<string, unknown> & { ada: string; bob: string };

  beforeAll(async () => {
    firestore = await startFirestoreEmulator({ port: 0, projectId: "demo-rookery", log: () => {} });
    run = await emulatorsExec({
      only: ["auth", "functions", "dataconnect"],
      command: "node test/e2e/clients/account.ts",
      env: {
        FIRESTORE_EMULATOR_HOST: firestore.address,
        DATACONNECT_EMULATOR_BINARY_PATH: path.join(
          repoRoot,
          "packages/dataconnect-emulator/bin/dataconnect-emulator",
        ),
      },
    });
    result = run.result as typeof result;
  });

  afterAll(() => firestore?.stop());

  it("exits 0 after the client finishes", () => {
    expect(run.code, run.output).toBe(0);
  });

  it("exports the signed-in user's data through the exportMyData callable", () => {
    expect(result.archive).toEqual({ uid: result.ada, following: 1, likes: 1, posts: 1, drafts: 1 });
  });

  it("refuses deleteMyAccount without { confirm: true }", () => {
    expect(result.refusedDelete).toBe("functions/invalid-argument");
  });

  it("deletes the signed-in user's account: Auth account, graph rows and Firestore documents", () => {
    expect(result.deleted).toMatchObject({ deleted: true, report: { accountDeleted: true } });
    expect(result.adaAuthGone).toBe(true);
    expect(result.adaDocumentsGone).toBe(true);
    expect(result.adaProfileForBob).toBeNull();
  });

  it("leaves the other account's counters exact: its follower is gone with the account", () => {
    expect(result.bobAfterAda).toMatchObject({ uid: result.bob, followerCount: 0, followingCount: 0 });
  });

  it("runs the Auth deletion trigger for both deletions; the second one removes Bob's data", () => {
    expect(run.output).toMatch(/Finished "us-central1-onAuthUserDeleted"/);
    expect(result.bobDocumentsGone).toBe(true);
    const bobPurge = new RegExp(`"uid":"${result.bob}"[^\\n]*"accountDeleted":true[^\\n]*onAuthUserDeleted`);
    expect(run.output).toMatch(bobPurge);
  });
});
