// Test fixture for the social engine: the real dataconnect/ folder compiled and migrated into a
// fresh embedded Postgres, operations run as signed-in users through the engine.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { loadConfigDir } from "../../packages/dataconnect-emulator/src/config/load.ts";
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import { openPglite } from "../../packages/dataconnect-emulator/src/db/pglite.ts";
import { openPostgres } from "../../packages/dataconnect-emulator/src/db/postgres.ts";
import {
  type CompiledProject,
  compileProject,
  createService,
  migrate,
  type ServiceOptions,
} from "../../packages/dataconnect-emulator/src/engine/project.ts";
import type {
  Caller,
  GraphqlResponse,
  Service,
} from "../../packages/dataconnect-emulator/src/engine/types.ts";
import { formatCompileError } from "../../packages/dataconnect-emulator/src/schema/source.ts";

const configDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A running social service over its own database. */
export interface Social {
  db: Database;
  service: Service;
  /** Runs a connector query as `uid` (or signed out with null). */
  query(uid: string | null, operation: string, variables?: Record<string, unknown>): Promise<GraphqlResponse>;
  /** Runs a connector mutation as `uid` (or signed out with null). */
  mutate(
    uid: string | null,
    operation: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphqlResponse>;
  /** Creates users (rows as the Auth mirror would) with display names equal to their uids. */
  users(...uids: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A signed-in end user, with claims shaped like an Auth-emulator token. */
export function caller(uid: string | null): Caller {
  if (uid === null) return { kind: "user", auth: null };
  return {
    kind: "user",
    auth: { uid, token: { sub: uid, email_verified: true, firebase: { sign_in_provider: "password" } } },
  };
}

/** dataconnect/ compiled: its schema and the `social` connector's operations. */
export async function compileSocial(): Promise<CompiledProject> {
  const loaded = await loadConfigDir(configDir);
  if (!loaded.ok) throw new Error(`cannot load ${configDir}`);
  const compiled = compileProject(loaded.config.sources);
  if (!compiled.ok) throw new Error(compiled.errors.map(formatCompileError).join("\n"));
  return compiled.project;
}

/** Where a suite's database lives: embedded PGlite (one connection) or the test Postgres server. */
export type Backend = "pglite" | "postgres";

/** Both backends, for `describe.each`: races only happen on the server, which has real connections. */
export const BACKENDS: readonly Backend[] = ["pglite", "postgres"];

/**
 * A new empty database: in-memory PGlite, or a fresh database on the Postgres server the dataconnect
 * project's global setup started (or ROOKERY_TEST_POSTGRES_URL), dropped again on close.
 */
export async function openDatabase(backend: Backend): Promise<Database> {
  if (backend === "pglite") return openPglite();
  const url = inject("postgresUrl");
  const name = `social_${crypto.randomUUID().replaceAll("-", "")}`;
  const admin = await openPostgres(url);
  await admin.exec(`CREATE DATABASE ${name}`);
  const db = await openPostgres(url, { database: name });
  return {
    ...db,
    async close() {
      await db.close();
      await admin.exec(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

/** Compiles dataconnect/, migrates it into a new database (in-memory PGlite by default) and serves it. */
export async function social(options: ServiceOptions & { backend?: Backend } = {}): Promise<Social> {
  const project = await compileSocial();
  const db = await openDatabase(options.backend ?? "pglite");
  await migrate(db, project);
  const service = createService(project, db, options);
  const run =
    (kind: "query" | "mutation") =>
    (uid: string | null, operationName: string, variables: Record<string, unknown> = {}) =>
      service.executeConnector({ connector: "social", operationName, variables, kind, caller: caller(uid) });
  return {
    db,
    service,
    query: run("query"),
    mutate: run("mutation"),
    async users(...uids) {
      for (const uid of uids) {
        const res = await run("mutation")(uid, "UpsertMe", { displayName: uid });
        if (res.errors) throw new Error(JSON.stringify(res.errors));
      }
    },
    close: () => db.close(),
  };
}

/** `data` of a response, failing with its errors when there are any. */
export function ok<T = Record<string, unknown>>(response: GraphqlResponse): T {
  if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}
