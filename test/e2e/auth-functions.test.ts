import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningFirestoreEmulator,
  startFirestoreEmulator,
} from "../../packages/firestore-emulator/src/index.ts";
import { type ExecResult, emulatorsExec } from "./support/emulators.ts";
import { repoRoot } from "./support/repo.ts";

describe("the whole stack through firebase emulators:exec (offline, pinned toolchain)", () => {
  let firestore: RunningFirestoreEmulator;
  let run: ExecResult;

  beforeAll(async () => {
    firestore = await startFirestoreEmulator({ port: 0, projectId: "demo-rookery" });
    run = await emulatorsExec({
      only: ["auth", "functions", "dataconnect"],
      command: "node test/e2e/clients/signup.ts grace@example.test",
      env: {
        FIRESTORE_EMULATOR_HOST: firestore.address,
        DATACONNECT_EMULATOR_BINARY_PATH: path.join(
          repoRoot,
          "packages/dataconnect-emulator/bin/dataconnect-emulator",
        ),
      },
    });
  });

  afterAll(() => firestore?.stop());

  it("exits 0 after the client finishes", () => {
    expect(run.code, run.output).toBe(0);
  });

  it("runs the client and the functions on Node 22", () => {
    expect(run.result).toMatchObject({ node: expect.stringMatching(/^v22\./) });
    expect(run.output).toMatch(/Using node@22 from host/);
  });

  it("loads the project's functions from source", () => {
    expect(run.output).toMatch(
      /Loaded functions definitions from source:.*assignDisplayName.*onAuthUserCreated/,
    );
  });

  it("lets the beforeUserCreated function give a new account its display name", () => {
    expect(run.result).toMatchObject({ email: "grace@example.test", displayName: "grace" });
    expect(run.output).toMatch(/Finished "us-central1-assignDisplayName"/);
  });

  it("creates the account's profile in Firestore from the onCreate trigger, through our Firestore engine", () => {
    expect(run.result).toMatchObject({ profile: { displayName: "grace", avatarUrl: null } });
  });

  it("mirrors the account into the social graph, which the user then reads through the web SDK", () => {
    const { uid } = run.result as { uid: string };
    expect(run.result).toMatchObject({ me: { uid, displayName: "grace", followerCount: 0, postCount: 0 } });
  });
});
