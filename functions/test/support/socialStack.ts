// Our engines in this process, for the notification and draft tests: Data Connect over the real
// dataconnect/ folder (PGlite, or a Postgres database) capturing every mutation event, Firestore
// (optionally enforcing firestore.rules), and firebase-admin clients of both, as the functions use.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type DataConnect, getDataConnect } from "firebase-admin/data-connect";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import type { Database } from "../../../packages/dataconnect-emulator/src/db/database.ts";
import {
  type MutationExecutedEvent,
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../../packages/dataconnect-emulator/src/index.ts";
import {
  type RunningFirestoreEmulator,
  startFirestoreEmulator,
} from "../../../packages/firestore-emulator/src/index.ts";
import type { SocialMutation } from "../../src/notifications/events.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The running engines and clients. */
export interface SocialStack {
  projectId: string;
  dataConnect: DataConnect;
  firestore: Firestore;
  firestoreEmulator: RunningFirestoreEmulator;
  dataConnectEmulator: RunningEmulator;
  /** Every mutation event so far, in the order the engine emitted them. */
  events: MutationExecutedEvent[];
  /** Runs a connector mutation as `uid` (its @auth and checks apply); throws on errors. */
  mutate<T = Record<string, unknown>>(uid: string, operation: string, variables?: object): Promise<T>;
  /** The same, answering the errors instead of throwing. */
  attempt(uid: string, operation: string, variables?: object): Promise<{ errors: string[] }>;
  /** Admin GraphQL (bypasses @auth), for fixtures. */
  admin<T = Record<string, unknown>>(query: string): Promise<T>;
  /** Creates accounts (display name = uid, username = uid). */
  users(...uids: string[]): Promise<void>;
  /** Resolves once `count` events have been captured in all. */
  eventsReach(count: number): Promise<void>;
  close(): Promise<void>;
}

/** An engine event as the notification pipeline reads it (what notifyOnSocialMutation passes on). */
export function socialMutation(event: MutationExecutedEvent): SocialMutation {
  return {
    operation: event.operation,
    caller: event.authid,
    variables: event.data.payload.variables,
    data: event.data.payload.data,
    errors: event.data.payload.errors,
  };
}

/** Starts both engines on free ports; `database` (e.g. a Postgres one) instead of in-memory PGlite. */
export async function startSocialStack(
  options: { database?: Database; rules?: boolean; name?: string } = {},
): Promise<SocialStack> {
  const projectId = `demo-${options.name ?? "social"}`;
  const events: MutationExecutedEvent[] = [];
  const waiters = new Set<() => void>();
  const firestoreEmulator = await startFirestoreEmulator({
    port: 0,
    projectId,
    log: () => {},
    ...(options.rules ? { rules: readFileSync(path.join(root, "firestore.rules"), "utf8") } : {}),
  });
  const dataConnectEmulator = await startDataConnectEmulator({
    configDir: path.join(root, "dataconnect"),
    projectId,
    ...(options.database ? { database: options.database } : { standaloneAfterMs: 0 }),
    mutationEventSinks: [
      (event) => {
        events.push(event);
        for (const wake of waiters) wake();
      },
    ],
  });
  // firebase-admin reads the emulators from the environment.
  process.env.FIRESTORE_EMULATOR_HOST = firestoreEmulator.address;
  process.env.DATA_CONNECT_EMULATOR_HOST = `127.0.0.1:${dataConnectEmulator.addresses[0]!.port}`;
  process.env.METADATA_SERVER_DETECTION = "none";
  const app: App = initializeApp({ projectId }, `${projectId}-${crypto.randomUUID()}`);
  const dataConnect = getDataConnect(
    { serviceId: "rookery", location: "us-central1", connector: "social" },
    app,
  );
  const firestore = getFirestore(app);

  const as = (uid: string) => ({
    impersonate: { authClaims: { sub: uid, firebase: { sign_in_provider: "password", identities: {} } } },
  });
  const attempt = async (uid: string, operation: string, variables: object = {}) => {
    try {
      await dataConnect.executeMutation(operation, variables, as(uid));
      return { errors: [] };
    } catch (error) {
      return { errors: [String((error as Error).message)] };
    }
  };
  const admin = async <T>(query: string) => (await dataConnect.executeGraphql<T, unknown>(query)).data;
  return {
    projectId,
    dataConnect,
    firestore,
    firestoreEmulator,
    dataConnectEmulator,
    events,
    async mutate<T>(uid: string, operation: string, variables: object = {}) {
      const { data } = await dataConnect.executeMutation<T, object>(operation, variables, as(uid));
      return data;
    },
    attempt,
    admin,
    async users(...uids) {
      const rows = uids.map((uid) => `{uid: "${uid}", displayName: "${uid}", username: "${uid}"}`);
      await admin(`mutation { user_insertMany(data: [${rows.join(", ")}]) }`);
    },
    eventsReach: (count) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${events.length} of ${count} mutation events arrived`)),
          30_000,
        );
        const check = () => {
          if (events.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    async close() {
      await deleteApp(app);
      await dataConnectEmulator.stop();
      await firestoreEmulator.stop();
    },
  };
}
