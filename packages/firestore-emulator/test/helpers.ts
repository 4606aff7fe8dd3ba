import net from "node:net";
import * as grpc from "@grpc/grpc-js";
import { deleteApp as deleteWebApp, initializeApp as initializeWebApp } from "firebase/app";
import {
  connectFirestoreEmulator,
  getFirestore as getWebFirestore,
  setLogLevel,
  terminate,
  type Firestore as WebFirestore,
} from "firebase/firestore";
import { deleteApp as deleteAdminApp, initializeApp as initializeAdminApp } from "firebase-admin/app";
import {
  type Firestore as AdminFirestore,
  getFirestore as getAdminFirestore,
} from "firebase-admin/firestore";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type RunningFirestoreEmulator, startFirestoreEmulator } from "../src/index.ts";
import { firestoreServiceDefinition } from "../src/proto/load.ts";

let appCounter = 0;

/** A TCP port on 127.0.0.1 that was free a moment ago (for the executable, which needs a fixed --port). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** An unsigned ID token with these claims, as the Auth emulator and rules-unit-testing mint them. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ iat: 0, exp: 3600, ...claims })}.`;
}

/** Starts an emulator on a free port for one test file. */
export function startTestEmulator(projectId: string): Promise<RunningFirestoreEmulator> {
  return startFirestoreEmulator({ host: "127.0.0.1", port: 0, projectId, log: () => {} });
}

/** Deletes every document of the project through the REST endpoint, as a test harness would. */
export async function clearData(emulator: RunningFirestoreEmulator, projectId: string): Promise<void> {
  const url = `http://${emulator.address}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: "DELETE" });
  if (response.status !== 200) throw new Error(`clear failed: ${response.status}`);
}

/** A firebase-admin Firestore pointed at the emulator through FIRESTORE_EMULATOR_HOST. */
export function adminFirestore(
  emulator: RunningFirestoreEmulator,
  projectId: string,
): { db: AdminFirestore; close: () => Promise<void> } {
  process.env.METADATA_SERVER_DETECTION = "none";
  process.env.FIRESTORE_EMULATOR_HOST = emulator.address;
  const app = initializeAdminApp({ projectId }, `admin-${projectId}-${++appCounter}`);
  const db = getAdminFirestore(app);
  return {
    db,
    close: async () => {
      await db.terminate();
      await deleteAdminApp(app);
    },
  };
}

/**
 * The usual per-file fixture: registers hooks that start an emulator and an admin Firestore on it,
 * clear the project before each test and stop both after the file. Read `db`/`emulator` inside tests.
 */
export function useAdminFirestore(projectId: string): {
  readonly db: AdminFirestore;
  readonly emulator: RunningFirestoreEmulator;
} {
  let emulator: RunningFirestoreEmulator | undefined;
  let admin: { db: AdminFirestore; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator(projectId);
    admin = adminFirestore(emulator, projectId);
  });
  afterAll(async () => {
    await admin?.close();
    await emulator?.stop();
  });
  beforeEach(() => clearData(emulator!, projectId));
  return {
    get db() {
      return admin!.db;
    },
    get emulator() {
      return emulator!;
    },
  };
}

/** A web SDK (modular, Node/gRPC) Firestore connected with connectFirestoreEmulator. */
export function webFirestore(
  emulator: RunningFirestoreEmulator,
  projectId: string,
): { db: WebFirestore; close: () => Promise<void> } {
  // Expected failures (a rejected write ends the Write stream) are logged as warnings; keep output clean.
  setLogLevel("error");
  const app = initializeWebApp({ projectId, apiKey: "fake-api-key" }, `web-${projectId}-${++appCounter}`);
  const db = getWebFirestore(app);
  connectFirestoreEmulator(db, "127.0.0.1", emulator.port);
  return {
    db,
    close: async () => {
      await terminate(db);
      await deleteWebApp(app);
    },
  };
}

/** A raw gRPC client of google.firestore.v1.Firestore, for protocol-level tests. */
export function rawClient(
  emulator: Pick<RunningFirestoreEmulator, "address">,
): grpc.Client & Record<string, (...args: never[]) => unknown> {
  const Client = grpc.makeClientConstructor(firestoreServiceDefinition(), "Firestore");
  return new Client(emulator.address, grpc.credentials.createInsecure()) as never;
}

/** Calls a unary method of the raw client and resolves with its response or rejects with its status. */
export function callUnary<T = Record<string, unknown>>(
  client: ReturnType<typeof rawClient>,
  method: string,
  request: object,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as (
      req: object,
      options: grpc.CallOptions,
      cb: (e: grpc.ServiceError | null, r: T) => void,
    ) => void;
    fn.call(client, request, { deadline: Date.now() + timeoutMs }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Collects every message of a server-streaming call. */
export function callStream<T = Record<string, unknown>>(
  client: ReturnType<typeof rawClient>,
  method: string,
  request: object,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as (req: object) => grpc.ClientReadableStream<T>;
    const call = fn.call(client, request);
    const out: T[] = [];
    call.on("data", (m: T) => out.push(m));
    call.on("error", reject);
    call.on("end", () => resolve(out));
  });
}

/** Resolves when `predicate` holds, polling briefly; fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
