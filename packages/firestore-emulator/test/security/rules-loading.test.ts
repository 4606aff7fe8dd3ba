import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { RulesCompileError, type RunningFirestoreEmulator, startFirestoreEmulator } from "../../src/index.ts";
import { eventually, rawClient } from "../helpers.ts";

const PROJECT = "demo-loading";
const allowAll = (flag: boolean) =>
  `rules_version = '2';\nservice cloud.firestore {\n  match /databases/{db}/documents {\n    match /{doc=**} { allow read: if ${flag}; }\n  }\n}\n`;

let running: RunningFirestoreEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** GetDocument of a missing document as a signed-out client: 5 (allowed, not found) or 7 (denied). */
function probe(emulator: RunningFirestoreEmulator, project = PROJECT): Promise<number> {
  const client = rawClient(emulator);
  return new Promise((resolve) => {
    (
      client.GetDocument as unknown as (
        r: object,
        m: grpc.Metadata,
        cb: (e: grpc.ServiceError | null) => void,
      ) => void
    ).call(
      client,
      { name: `projects/${project}/databases/(default)/documents/a/b` },
      new grpc.Metadata(),
      (error) => {
        client.close();
        resolve(error?.code ?? 0);
      },
    );
  });
}

const rulesUrl = (e: RunningFirestoreEmulator, project = PROJECT) =>
  `http://${e.address}/emulator/v1/projects/${project}:securityRules`;

/** PUTs a rules request body (an object is sent as JSON) to the emulator's rules endpoint. */
const putRules = (e: RunningFirestoreEmulator, body: object | string) =>
  fetch(rulesUrl(e), { method: "PUT", body: typeof body === "string" ? body : JSON.stringify(body) });

describe("loading rules", () => {
  it("allows everything when no rules are loaded, as the official emulator does", async () => {
    running = await startFirestoreEmulator({ port: 0, projectId: PROJECT, log: () => {} });
    expect(await probe(running)).toBe(5);
  });

  it("refuses to start with rules that do not compile", async () => {
    await expect(
      startFirestoreEmulator({ port: 0, rules: "service cloud.firestore {", log: () => {} }),
    ).rejects.toThrow(RulesCompileError);
  });

  it("replaces a project's rules through PUT :securityRules and returns them on GET", async () => {
    running = await startFirestoreEmulator({
      port: 0,
      projectId: PROJECT,
      rules: allowAll(true),
      log: () => {},
    });
    const put = await putRules(running, {
      rules: { files: [{ name: "test.rules", content: allowAll(false) }] },
    });
    expect(put.status).toBe(200);
    expect(await probe(running)).toBe(7);
    expect(await probe(running, "demo-other")).toBe(5);
    const got = (await (await fetch(rulesUrl(running))).json()) as {
      rules: { files: { content: string }[] };
    };
    expect(got.rules.files[0]!.content).toBe(allowAll(false));
  });

  it("answers a broken ruleset with 400 naming line and column, keeping the previous rules", async () => {
    running = await startFirestoreEmulator({
      port: 0,
      projectId: PROJECT,
      rules: allowAll(true),
      log: () => {},
    });
    const put = await putRules(running, {
      rules: { files: [{ content: "service cloud.firestore {\n  match /a {\n" }] },
    });
    expect(put.status).toBe(400);
    const body = (await put.json()) as {
      error: { message: string };
      issues: { sourcePosition: { line: number } }[];
    };
    expect(body.error.message).toMatch(/^firestore\.rules:3:1 - /);
    expect(body.issues[0]!.sourcePosition.line).toBe(3);
    expect(await probe(running)).toBe(5);
  });

  it("returns the issues with a 200 when asked to ignore errors, as firebase-tools' watcher asks", async () => {
    running = await startFirestoreEmulator({ port: 0, projectId: PROJECT, log: () => {} });
    const put = await putRules(running, {
      ignore_errors: true,
      rules: { files: [{ name: "security.rules", content: "nope" }] },
    });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { issues: { severity: string }[] }).issues[0]!.severity).toBe("ERROR");
  });

  it("rejects a malformed rules request", async () => {
    running = await startFirestoreEmulator({ port: 0, projectId: PROJECT, log: () => {} });
    const put = await putRules(running, "{");
    expect(put.status).toBe(400);
    const wrongShape = await putRules(running, { rules: {} });
    expect(wrongShape.status).toBe(400);
  });

  it("reloads the rules file on change and keeps the last good rules when an edit breaks it", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "rules-"));
    const file = path.join(dir, "firestore.rules");
    await writeFile(file, allowAll(false));
    const logs: string[] = [];
    running = await startFirestoreEmulator({
      port: 0,
      projectId: PROJECT,
      rulesFile: file,
      log: (m) => logs.push(m),
    });
    expect(await probe(running)).toBe(7);
    await writeFile(file, allowAll(true));
    await eventually(() => logs.some((l) => l.startsWith("Rules updated")), 5000);
    expect(await probe(running)).toBe(5);
    await writeFile(file, `${allowAll(true)}\n}}`);
    await eventually(() => logs.some((l) => /firestore\.rules:8:1 - ERROR Unexpected '}'/.test(l)), 5000);
    expect(logs.some((l) => l.includes("keeping the last good rules"))).toBe(true);
    expect(await probe(running)).toBe(5);
  });

  it("logs each decision at -v=2 (reportRules)", async () => {
    const logs: string[] = [];
    running = await startFirestoreEmulator({
      port: 0,
      projectId: PROJECT,
      rules: allowAll(false),
      reportRules: true,
      log: (m) => logs.push(m),
    });
    await probe(running);
    expect(logs).toContain("rules: DENY get /a/b (signed out): false for 'get' @ L4");
  });
});
