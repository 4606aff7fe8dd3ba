import { beforeAll, describe, expect, it } from "vitest";
import { type ExecResult, emulatorsExec } from "./support/emulators.ts";

describe("firebase emulators:exec --only auth,functions (offline, pinned toolchain)", () => {
  let run: ExecResult;

  beforeAll(async () => {
    run = await emulatorsExec({
      only: ["auth", "functions"],
      command: "node test/e2e/clients/signup.ts grace@example.test",
    });
  });

  it("exits 0 after the client finishes", () => {
    expect(run.code, run.output).toBe(0);
  });

  it("runs the client and the functions on Node 22", () => {
    expect(run.result).toMatchObject({ node: expect.stringMatching(/^v22\./) });
    expect(run.output).toMatch(/Using node@22 from host/);
  });

  it("loads the project's functions from source", () => {
    expect(run.output).toMatch(/Loaded functions definitions from source:.*assignDisplayName/);
  });

  it("lets the beforeUserCreated function give a new account its display name", () => {
    expect(run.result).toMatchObject({ email: "grace@example.test", displayName: "grace" });
    expect(run.output).toMatch(/Finished "us-central1-assignDisplayName"/);
  });
});
