// POST /emulator/configure against a real Postgres wire server (firebase-tools' PGlite gateway).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { notesConfig, type TempDir, tempDir } from "../protocol/support/config-dir.ts";
import {
  connectorUrl,
  openSharedDatabase,
  postJson,
  resetDatabase,
  startEmulator,
} from "../protocol/support/emulator.ts";
import {
  freePort,
  type PostgresGateway,
  startPostgresGateway,
} from "../protocol/support/postgres-gateway.ts";

let local: Database;
let gateway: PostgresGateway;
let config: TempDir;
let emulator: RunningEmulator;

beforeAll(async () => {
  [local, gateway] = await Promise.all([openSharedDatabase(), startPostgresGateway()]);
  config = await tempDir(notesConfig());
});
afterAll(async () => {
  await gateway.stop();
  await local.close();
  await config.remove();
});
beforeEach(async () => {
  await resetDatabase(local);
  emulator = await startEmulator(config.dir, local);
  await local.query("INSERT INTO note (owner, text) VALUES ('alice', 'local row')");
});
afterEach(() => emulator.stop());

const configure = (body: object) => postJson(`${emulator.url}/emulator/configure`, body);
const listNotes = async () =>
  (await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "ListNotes" })).body;

describe("POST /emulator/configure", () => {
  it("connects to that Postgres, migrates it and serves from it", async () => {
    const res = await configure({ connectionString: gateway.url, database: "fdcdb", serviceId: "svc" });
    expect(res).toEqual({ status: 200, body: {} });
    expect(await listNotes()).toEqual({ data: { notes: [] } });
    const info = await (await fetch(`${emulator.url}/emulator/info`)).json();
    expect(info).toMatchObject({
      services: [{ serviceId: "svc", connectionString: expect.stringContaining(`:${gateway.port}/fdcdb`) }],
    });
  });

  it("leaves a database the caller passed in open when switching away from it", async () => {
    await configure({ connectionString: gateway.url });
    expect(await local.query("SELECT count(*)::int AS n FROM note")).toEqual([{ n: 1 }]);
  });

  it("answers 500 with the reason when Postgres cannot be reached, and keeps serving the old database", async () => {
    const res = await configure({ connectionString: `postgres://127.0.0.1:${await freePort()}/db` });
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/could not connect to Postgres/);
    expect(await listNotes()).toEqual({ data: { notes: [{ text: "local row", owner: "alice" }] } });
  });

  it("refuses another service's id with 400", async () => {
    const res = await configure({ connectionString: gateway.url, serviceId: "someone-else" });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/someone-else/);
  });

  it("refuses a body without connectionString with 400", async () => {
    const res = await configure({ database: "x" });
    expect(res).toEqual({
      status: 400,
      body: expect.objectContaining({ message: expect.stringContaining("connectionString") }),
    });
  });
});
