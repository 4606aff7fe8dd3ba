import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deleteApp, initializeApp } from "firebase/app";
import {
  connectFirestoreEmulator,
  doc,
  getDoc,
  getFirestore,
  setLogLevel,
  terminate,
} from "firebase/firestore";
import { afterEach, describe, expect, it } from "vitest";
import { parseCliArgs } from "../../src/cli-args.ts";
import { eventually, freePort } from "../helpers.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/firestore-emulator");

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

function run(args: string[]): { proc: ChildProcess; output: () => string } {
  const proc = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  child = proc;
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  return { proc, output: () => out };
}

describe("the executable with --rules", () => {
  it("parses -v=2 as the report verbosity", () => {
    expect(parseCliArgs(["-v=2"]).verbosity).toBe(2);
    expect(parseCliArgs([]).verbosity).toBe(0);
  });

  it("refuses to start on rules that do not compile, naming file:line:col", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cli-rules-"));
    const file = path.join(dir, "firestore.rules");
    await writeFile(file, "service cloud.firestore {\n  match /a/{b} { allow read: if ; }\n}\n");
    const { proc, output } = run([`--port=${await freePort()}`, `--rules=${file}`]);
    const code = await new Promise((resolve) => proc.on("exit", resolve));
    expect(code).toBe(1);
    expect(output()).toMatch(/firestore\.rules:2:33 - Unexpected ';'/);
  });

  it("enforces the file and reports each decision at -v=2", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cli-rules-"));
    const file = path.join(dir, "firestore.rules");
    await writeFile(
      file,
      "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{d}/documents {\n    match /a/{b} { allow read: if false; }\n  }\n}\n",
    );
    const port = await freePort();
    const { output } = run([
      "--host=127.0.0.1",
      `--port=${port}`,
      "--project_id=demo-cli-rules",
      `--rules=${file}`,
      "-v=2",
    ]);
    await eventually(() => output().includes("Dev App Server is now running."), 15_000);
    expect(output()).toContain(`Rules loaded from ${file}`);
    setLogLevel("silent");
    const app = initializeApp({ projectId: "demo-cli-rules", apiKey: "fake" }, "cli-rules");
    const db = getFirestore(app);
    connectFirestoreEmulator(db, "127.0.0.1", port);
    await expect(getDoc(doc(db, "a/1"))).rejects.toMatchObject({ code: "permission-denied" });
    await terminate(db);
    await deleteApp(app);
    await eventually(
      () => output().includes("rules: DENY get /a/1 (signed out): false for 'get' @ L4"),
      5000,
    );
  });
});
