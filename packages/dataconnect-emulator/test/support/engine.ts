// Test fixture: a service compiled from inline schema/connector text, migrated into its own
// Postgres schema on one PGlite shared by the test file.
import { afterAll } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { openPglite } from "../../src/db/pglite.ts";
import { compileProject, createService, migrate, type ServiceOptions } from "../../src/engine/project.ts";
import type { AuthContext, Caller, GraphqlResponse, Service } from "../../src/engine/types.ts";
import { formatCompileError } from "../../src/schema/source.ts";

let shared: Promise<Database> | undefined;
let schemas = 0;

/** The PGlite of this test file (opened on first use, closed after the file). */
export function sharedDatabase(): Promise<Database> {
  if (!shared) {
    shared = openPglite();
    afterAll(async () => (await shared)?.close());
  }
  return shared;
}

export interface EngineFixture {
  service: Service;
  db: Database;
  pgSchema: string;
  /** Runs an ad-hoc document as admin (or as `caller`) and returns the response. */
  gql(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GraphqlResponse>;
  /** Runs an ad-hoc document and returns `data`, failing the test on any error. */
  data<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Runs a connector mutation as `caller`. */
  mutate(
    operationName: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<GraphqlResponse>;
  /** Runs a connector query as `caller`. */
  op(operationName: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GraphqlResponse>;
  /** Raw SQL on the fixture's schema (search_path set). */
  sql<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Compiles and migrates `schema` (+ optional connector `operations`) into a fresh Postgres schema. */
export async function engine(
  schema: string,
  operations = "",
  sqlFiles: { path: string; text: string }[] = [],
  options: ServiceOptions = {},
): Promise<EngineFixture> {
  const db = await sharedDatabase();
  schemas += 1;
  const pgSchema = `fixture_${schemas}_${Math.random().toString(36).slice(2, 8)}`;
  const compiled = compileProject({
    serviceId: "test",
    pgSchema,
    schemaFiles: [{ path: "schema/schema.gql", text: schema }],
    connectors: [
      { id: "default", files: operations ? [{ path: "connector/ops.gql", text: operations }] : [] },
    ],
    sqlFiles,
  });
  if (!compiled.ok) throw new Error(compiled.errors.map(formatCompileError).join("\n"));
  await migrate(db, compiled.project);
  const service = createService(compiled.project, db, options);
  const fixture: EngineFixture = {
    service,
    db,
    pgSchema,
    gql: (query, variables = {}, caller = { kind: "admin" }) =>
      service.executeGraphql({ query, variables, readOnly: false, caller }),
    async data(query, variables) {
      const res = await fixture.gql(query, variables);
      if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
      return res.data as never;
    },
    mutate: (operationName, variables = {}, caller = { kind: "admin" }) =>
      service.executeConnector({ connector: "default", operationName, variables, kind: "mutation", caller }),
    op: (operationName, variables = {}, caller = { kind: "admin" }) =>
      service.executeConnector({ connector: "default", operationName, variables, kind: "query", caller }),
    sql: (text, params = []) =>
      db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL search_path TO "${pgSchema}"`);
        return tx.query(text, params);
      }) as never,
  };
  return fixture;
}

/** An end user as the engine sees one, with Auth-emulator-like claims. */
export function user(uid: string, claims: Record<string, unknown> = {}): Caller {
  const auth: AuthContext = {
    uid,
    token: {
      sub: uid,
      user_id: uid,
      email_verified: false,
      firebase: { sign_in_provider: "password" },
      ...claims,
    },
  };
  return { kind: "user", auth };
}

/** A signed-out end user. */
export const anonymousCaller: Caller = { kind: "user", auth: null };
