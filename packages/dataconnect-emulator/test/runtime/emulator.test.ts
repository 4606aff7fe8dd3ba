// The running emulator through the library API and the real core: serving, reload and watch, output files.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { UNAUTHORIZED_MESSAGE } from "../../src/errors.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { NOTES_SCHEMA, notesConfig, type TempDir, tempDir } from "../protocol/support/config-dir.ts";
import {
  connectorUrl,
  eventually,
  openSharedDatabase,
  postJson,
  resetDatabase,
  serviceUrl,
  startEmulator,
} from "../protocol/support/emulator.ts";
import { emulatorIdToken } from "../protocol/support/tokens.ts";

let db: Database;
let config: TempDir;
let emulator: RunningEmulator | undefined;

beforeAll(async () => {
  db = await openSharedDatabase();
});
afterAll(() => db.close());
beforeEach(async () => {
  await resetDatabase(db);
  config = await tempDir(notesConfig());
});
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
  await config.remove();
});

const alice = { "X-Firebase-Auth-Token": emulatorIdToken("alice") };
// Rows go in through SQL, so these tests do not depend on the mutation engine.
const insertNotes = async (...rows: [owner: string, text: string][]) => {
  for (const [owner, text] of rows)
    await db.query("INSERT INTO note (owner, text) VALUES ($1, $2)", [owner, text]);
};
const listNotes = async () =>
  (await postJson(connectorUrl(emulator!.url, "executeQuery"), { operationName: "ListNotes" })).body;
const adminQuery = (query: string) => postJson(serviceUrl(emulator!.url, "executeGraphql"), { query });

describe("serving a config directory", () => {
  it("migrates the schema and answers connector queries", async () => {
    emulator = await startEmulator(config.dir, db);
    expect(await listNotes()).toEqual({ data: { notes: [] } });
  });

  it("runs a query as the token's user", async () => {
    emulator = await startEmulator(config.dir, db);
    await insertNotes(["alice", "mine"], ["bob", "theirs"]);
    const mine = await postJson(
      connectorUrl(emulator.url, "executeQuery"),
      { operationName: "MyNotes" },
      alice,
    );
    expect(mine.body).toEqual({ data: { notes: [{ text: "mine" }] } });
  });

  it("refuses a USER operation to a signed-out caller as UNAUTHENTICATED", async () => {
    emulator = await startEmulator(config.dir, db);
    const res = await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "MyNotes" });
    expect(res).toEqual({ status: 401, body: expect.objectContaining({ code: 16 }) });
  });

  it("refuses an operation without @auth to end users with the pinned message", async () => {
    emulator = await startEmulator(config.dir, db);
    const res = await postJson(
      connectorUrl(emulator.url, "executeQuery"),
      { operationName: "Locked" },
      alice,
    );
    expect(res).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 7, message: UNAUTHORIZED_MESSAGE }),
    });
  });

  it("answers NOT_FOUND for an unknown operation and an unknown connector", async () => {
    emulator = await startEmulator(config.dir, db);
    expect(
      (await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "Nope" })).status,
    ).toBe(404);
    expect(
      (
        await postJson(connectorUrl(emulator.url, "executeQuery", "svc", "other"), {
          operationName: "ListNotes",
        })
      ).status,
    ).toBe(404);
  });

  it("reports the service and its database on /emulator/info", async () => {
    emulator = await startEmulator(config.dir, db);
    const info = await (await fetch(`${emulator.url}/emulator/info`)).json();
    expect(info).toEqual({
      version: expect.any(String),
      services: [{ serviceId: "svc", connectionString: db.description }],
    });
  });

  it("answers UNAVAILABLE until a database is chosen", async () => {
    emulator = await startEmulator(config.dir, db, {
      database: undefined,
      standaloneAfterMs: Number.POSITIVE_INFINITY,
    });
    const res = await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "ListNotes" });
    expect(res).toEqual({
      status: 503,
      body: expect.objectContaining({ code: 14, message: expect.stringContaining("configure") }),
    });
  });

  it("serves on every listen address", async () => {
    emulator = await startEmulator(config.dir, db, {
      listen: [
        { host: "127.0.0.1", port: 0 },
        { host: "::1", port: 0 },
      ],
    });
    expect(emulator.addresses.map((a) => a.url)).toEqual([
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^http:\/\/\[::1\]:\d+$/),
    ]);
    for (const address of emulator.addresses) {
      const res = await postJson(connectorUrl(address.url, "executeQuery"), { operationName: "ListNotes" });
      expect(res.status).toBe(200);
    }
  });

  it("writes the schema extension files when asked", async () => {
    emulator = await startEmulator(config.dir, db, { outputSchemaExtensions: true });
    const prelude = await readFile(path.join(config.dir, ".dataconnect/schema/prelude.gql"), "utf8");
    expect(prelude).toContain("directive @table");
    expect(await readFile(path.join(config.dir, ".dataconnect/schema/main/input.gql"), "utf8")).toContain(
      "Note_",
    );
  });
});

describe("reloading", () => {
  it("serves a field added to the schema, keeping the rows", async () => {
    emulator = await startEmulator(config.dir, db);
    await insertNotes(["alice", "kept"]);
    await config.write(
      "schema/schema.gql",
      NOTES_SCHEMA.replace("text: String!", "text: String!\n  pinned: Boolean"),
    );
    expect(await emulator.reload()).toEqual({ ok: true, errors: [] });
    const res = await adminQuery("{ notes { text pinned } }");
    expect(res.body).toMatchObject({ data: { notes: [{ text: "kept", pinned: null }] } });
  });

  it("reports a broken edit with file:line:col and keeps serving the last good version", async () => {
    emulator = await startEmulator(config.dir, db);
    await config.write("schema/schema.gql", "type Note @table {\n  text: Strin!\n}\n");
    const result = await emulator.reload();
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatchObject({ file: "schema/schema.gql", line: expect.any(Number) });
    expect(await listNotes()).toEqual({ data: { notes: [] } });
  });

  it("publishes compile errors on /emulator/stream_errors and clears them once fixed", async () => {
    emulator = await startEmulator(config.dir, db);
    const res = await fetch(`${emulator.url}/emulator/stream_errors?serviceId=svc`);
    const reader = res.body!.getReader();
    const next = async () => JSON.parse(new TextDecoder().decode((await reader.read()).value));
    expect(await next()).toEqual({ result: { errors: [] } });
    await config.write("connector/queries.gql", "query Broken @auth(level: PUBLIC) { nothing_here }\n");
    await emulator.reload();
    const reported = await next();
    expect(reported.result.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("nothing_here"),
        extensions: expect.objectContaining({ file: "connector/queries.gql" }),
      }),
    ]);
    await config.write("connector/queries.gql", notesConfig()["connector/queries.gql"]!);
    await emulator.reload();
    expect(await next()).toEqual({ result: { errors: [] } });
    await reader.cancel();
  });

  it("announces a successful reload as FILE_RELOAD on /emulator/stream_issues", async () => {
    emulator = await startEmulator(config.dir, db);
    const res = await fetch(`${emulator.url}/emulator/stream_issues?serviceId=svc`);
    const reader = res.body!.getReader();
    await reader.read();
    await config.write("connector/more.gql", "query More @auth(level: PUBLIC) { notes { text } }\n");
    await emulator.reload();
    const chunk = JSON.parse(new TextDecoder().decode((await reader.read()).value));
    expect(chunk).toEqual({
      result: { issues: [expect.objectContaining({ kind: "FILE_RELOAD", severity: "NOTICE" })] },
    });
    await reader.cancel();
  });

  it("reports a failing migration (here a bad sql/*.sql) and keeps serving the last good version", async () => {
    emulator = await startEmulator(config.dir, db);
    await config.write("connector/more.gql", "query More @auth(level: PUBLIC) { notes { text } }\n");
    await config.write("sql/bad.sql", "THIS IS NOT SQL;");
    const result = await emulator.reload();
    expect(result).toEqual({ ok: false, errors: [{ message: expect.stringContaining("sql/bad.sql") }] });
    expect(await listNotes()).toEqual({ data: { notes: [] } });
    const more = await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "More" });
    expect(more.status).toBe(404);
  });

  it("starts with a broken schema, answers UNAVAILABLE with the errors, and serves once it is fixed", async () => {
    await config.write("schema/schema.gql", "type Note @table { text: Nope }\n");
    emulator = await startEmulator(config.dir, db);
    const res = await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "ListNotes" });
    expect(res).toEqual({
      status: 503,
      body: expect.objectContaining({ message: expect.stringContaining("schema/schema.gql:1") }),
    });
    await config.write("schema/schema.gql", NOTES_SCHEMA);
    expect((await emulator.reload()).ok).toBe(true);
    expect(await listNotes()).toEqual({ data: { notes: [] } });
  });

  it("watches the config directory and applies an edit on its own", async () => {
    emulator = await startEmulator(config.dir, db, { watch: true, watchDebounceMs: 50 });
    await config.write("connector/more.gql", "query CountNotes @auth(level: PUBLIC) { notes { text } }\n");
    const res = await eventually(async () => {
      const r = await postJson(connectorUrl(emulator!.url, "executeQuery"), { operationName: "CountNotes" });
      return r.status === 200 && r;
    });
    expect(res.body).toEqual({ data: { notes: [] } });
  });
});
