// The deployed functions against our engines, in this process: a Data Connect engine on a fresh database
// (PGlite or the test PostgreSQL server) and a Firestore engine, with the environment variables Cloud
// Functions' Admin SDK reads pointed at them. For suites that run the account and counter functions as
// deployed (`functions/src/index.ts`, scheduled functions by `.run()`).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Database } from "../../../packages/dataconnect-emulator/src/db/database.ts";
import { createService } from "../../../packages/dataconnect-emulator/src/engine/project.ts";
import type { GraphqlResponse, Service } from "../../../packages/dataconnect-emulator/src/engine/types.ts";
import {
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../../packages/dataconnect-emulator/src/index.ts";
import {
  type RunningFirestoreEmulator,
  startFirestoreEmulator,
} from "../../../packages/firestore-emulator/src/index.ts";
import { type Backend, caller, compileSocial, openDatabase } from "../support.ts";

const configDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** What a suite gets: set up in beforeAll, torn down in afterAll. */
export interface Stack {
  db: Database;
  dataConnect: RunningEmulator;
  firestore: RunningFirestoreEmulator;
  /** `host:port` of the Data Connect engine (DATA_CONNECT_EMULATOR_HOST). */
  dataConnectHost: string;
  /** The deployed functions module, loaded once the environment points at the engines. */
  fns: typeof import("../../../functions/src/index.ts");
  /** The social connector as the functions see it (firebase-admin, default app). */
  admin: import("firebase-admin/data-connect").DataConnect;
  /** Firestore as the functions see it (firebase-admin, default app). */
  store: import("firebase-admin/firestore").Firestore;
  /** Runs a connector operation as a signed-in user, through an engine service on the same database. */
  as(
    uid: string,
    kind: "query" | "mutation",
    operationName: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphqlResponse>;
}

// One Firestore engine per test file: the functions' Firestore client (default app) binds to the address
// it first sees, so every stack of a file shares it (cleared for each), and the last one stops it.
let firestore: Promise<RunningFirestoreEmulator> | undefined;
let stacks = 0;

/** Registers beforeAll/afterAll hooks that build a Stack on `backend`; read it after beforeAll ran. */
export function stack(backend: Backend): Stack {
  const s = {} as Stack;
  let service: Service;
  stacks++;
  beforeAll(async () => {
    s.db = await openDatabase(backend);
    s.dataConnect = await startDataConnectEmulator({
      configDir,
      database: s.db,
      standaloneAfterMs: 0,
      projectId: "demo-rookery",
    });
    firestore ??= startFirestoreEmulator({ port: 0, projectId: "demo-rookery", log: () => {} });
    s.firestore = await firestore;
    s.firestore.clear();
    s.dataConnectHost = `127.0.0.1:${s.dataConnect.addresses[0]!.port}`;
    Object.assign(process.env, {
      GCLOUD_PROJECT: "demo-rookery",
      DATA_CONNECT_EMULATOR_HOST: s.dataConnectHost,
      FIRESTORE_EMULATOR_HOST: s.firestore.address,
      METADATA_SERVER_DETECTION: "none",
    });
    s.fns = await import("../../../functions/src/index.ts");
    s.admin = (await import("../../../functions/src/dataconnect/client.ts")).socialConnector();
    s.store = (await import("firebase-admin/firestore")).getFirestore();
    service = createService(await compileSocial(), s.db);
    s.as = (uid, kind, operationName, variables = {}) =>
      service.executeConnector({ connector: "social", operationName, variables, kind, caller: caller(uid) });
  });
  beforeEach(() => {
    process.env.DATA_CONNECT_EMULATOR_HOST = s.dataConnectHost;
  });
  afterAll(async () => {
    await s.dataConnect?.stop();
    await s.db?.close();
    if (--stacks === 0) await (await firestore)?.stop();
  });
  return s;
}
