// Executes a prepared operation: authorize → coerce variables → root fields in document order,
// one SQL statement each → @check/@redact. Mutations run each field on its own unless @transaction
// makes the whole operation one Postgres transaction (spec §4.4–4.5).
import {
  type DocumentNode,
  execute as executeGraphqlJs,
  type GraphQLObjectType,
  type GraphQLSchema,
  Kind,
  printSchema,
} from "graphql";
import type { CelScope } from "../cel/evaluate.ts";
import type { Database, Queryable, Session } from "../db/database.ts";
import { type GraphqlError, type GrpcStatus, RequestError } from "../errors.ts";
import type { ModelCatalog, RootField } from "../planner/catalog.ts";
import { type CollectedField, collectFields, subSelections } from "../planner/collect.ts";
import { PlanContext } from "../planner/context.ts";
import { mutationStatement } from "../planner/mutate.ts";
import { nativeExecuteStatement, nativeReturningStatement, nativeSelectSql } from "../planner/native.ts";
import { argumentsOf, rootListSql, singleSql } from "../planner/select.ts";
import { quoteIdent, type SchemaModel } from "../schema/model.ts";
import { authorize } from "./authorize.ts";
import type { PreparedOperation } from "./operation.ts";
import { isRedacted, presentRootField } from "./present.ts";
import { entityId } from "./refresh.ts";
import type { Caller, GraphqlResponse } from "./types.ts";
import { coerceVariables } from "./variables.ts";

/** What executing needs besides the operation: the compiled service and the database. */
export interface ExecutionEnv {
  schema: GraphQLSchema;
  model: SchemaModel;
  catalog: ModelCatalog;
  db: Database;
  /** The user's schema SDL, for `_service`. */
  sdl: string;
}

/**
 * What one execution touched, for realtime refreshes: filled in by `executeOperation` when passed.
 * Entity ids are `entityId`s.
 */
export interface ExecutionTrace {
  /** The coerced variables (unset when coercion failed). */
  variables?: Record<string, unknown>;
  /** Entities a query looked up by key at its root; null once some root field is anything else. */
  lookups: string[] | null;
  /** Entities written by single-entity mutation fields (`_insert`, `_upsert`, `_update`, `_delete`). */
  writes: string[];
  /** Whether some mutation statement ran and its effect is committed. */
  committed: boolean;
}

/** A fresh trace to pass to `executeOperation`. */
export function newTrace(): ExecutionTrace {
  return { lookups: [], writes: [], committed: false };
}

const SINGLE_ENTITY_MUTATIONS = new Set(["insert", "upsert", "update", "delete"]);

/** One execution of one operation: its variables, CEL scope and the results so far. */
interface Run {
  env: ExecutionEnv;
  prepared: PreparedOperation;
  variables: Record<string, unknown>;
  cel: CelScope;
  /** Unredacted values of the root fields executed so far: CEL's `response`. */
  response: Record<string, unknown>;
  trace: ExecutionTrace;
  /** Writes made inside the operation's transaction: they join `trace` only once its COMMIT is confirmed. */
  pending: { writes: string[]; wrote: boolean };
  /** The database session the whole operation runs on (one at a time per session). */
  session: Session;
  /** Whether the operation runs inside one transaction (`@transaction`), so native SQL nests in savepoints. */
  inTransaction: boolean;
}

/** A root field that failed: its error, and whether it stops the fields after it. */
class FieldFailure extends Error {
  readonly error: GraphqlError;
  constructor(error: GraphqlError) {
    super(error.message);
    this.error = error;
  }
}

/** Runs `prepared` for `caller`; `trace` collects what it read and wrote. Throws RequestError for request-level failures (auth). */
export async function executeOperation(
  env: ExecutionEnv,
  prepared: PreparedOperation,
  inputs: Record<string, unknown>,
  caller: Caller,
  trace: ExecutionTrace = newTrace(),
): Promise<GraphqlResponse> {
  const requestTime = new Date();
  authorize(prepared.auth, caller, {
    requestTime,
    vars: inputs,
    ...(prepared.name ? { operationName: prepared.name } : {}),
  });
  const coerced = coerceVariables(env.schema, prepared.operation, inputs);
  if (!coerced.ok) return { data: null, errors: coerced.errors };
  trace.variables = coerced.variables;
  const fields = collectFields(prepared.operation.selectionSet, prepared.fragments, coerced.variables);
  // The whole operation holds one session: its statements (and its transaction) see no other operation's.
  return withSession(env.db, fields, (session) => {
    const response: Record<string, unknown> = {};
    const run: Run = {
      env,
      prepared,
      variables: coerced.variables,
      response,
      cel: {
        auth: caller.kind === "user" ? caller.auth : null,
        requestTime,
        vars: coerced.variables,
        response,
        ...(prepared.name ? { operationName: prepared.name } : {}),
      },
      trace,
      pending: { writes: [], wrote: false },
      session,
      inTransaction: false,
    };
    if (prepared.kind === "mutation" && prepared.transaction) return executeInTransaction(run, fields);
    return executeOneByOne(run, fields);
  });
}

/** Fields that never touch the database: an operation made only of them needs no session. */
const WITHOUT_DATABASE = new Set(["__typename", "_service", "__schema", "__type"]);

const NO_SESSION: Session = new Proxy({} as Session, {
  get() {
    throw new Error("this operation was expected not to need the database");
  },
});

function withSession<T>(
  db: Database,
  fields: CollectedField[],
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  if (fields.every((field) => WITHOUT_DATABASE.has(field.name))) return fn(NO_SESSION);
  return db.session(fn);
}

async function executeOneByOne(run: Run, fields: CollectedField[]): Promise<GraphqlResponse> {
  const data: Record<string, unknown> = {};
  const errors: GraphqlError[] = [];
  let abortedBy: string | undefined;
  for (const field of fields) {
    if (abortedBy) {
      data[field.responseKey] = null;
      errors.push(aborted(field, abortedBy));
      continue;
    }
    try {
      const value = await executeRootField(run, field);
      if (!isRedacted(field)) data[field.responseKey] = value;
    } catch (error) {
      const failure = toFailure(error, field);
      data[field.responseKey] = null;
      errors.push(failure.error);
      // A failed @check stops a mutation; other errors only null their own field (spec §4.5).
      if (run.prepared.kind === "mutation" && failure.error.extensions?.code === "PERMISSION_DENIED")
        abortedBy = field.responseKey;
    }
  }
  return errors.length ? { data, errors } : { data };
}

async function executeInTransaction(run: Run, fields: CollectedField[]): Promise<GraphqlResponse> {
  const data: Record<string, unknown> = {};
  let failedAt = -1;
  let failure: FieldFailure | undefined;
  try {
    await run.session.transaction(async () => {
      run.inTransaction = true;
      for (const [i, field] of fields.entries()) {
        try {
          const value = await executeRootField(run, field);
          if (!isRedacted(field)) data[field.responseKey] = value;
        } catch (error) {
          failedAt = i;
          failure = toFailure(error, field);
          throw failure;
        }
      }
    });
    // COMMIT confirmed: what the transaction wrote is now visible to everyone.
    if (run.pending.wrote) {
      run.trace.committed = true;
      run.trace.writes.push(...run.pending.writes);
    }
    return { data };
  } catch (error) {
    // Rolled back (or COMMIT not confirmed): nothing it wrote counts.
    if (!failure) throw error; // COMMIT itself failed: a request-level problem
    const failing = fields[failedAt]!.responseKey;
    const errors = fields.map((field, i): GraphqlError => {
      if (i < failedAt)
        return {
          message: `(rolled back) ${field.responseKey} was rolled back because ${failing} failed`,
          path: [field.responseKey],
          extensions: { code: "ABORTED" },
        };
      if (i === failedAt) return failure!.error;
      return aborted(field, failing);
    });
    return { data: Object.fromEntries(fields.map((f) => [f.responseKey, null])), errors };
  }
}

function aborted(field: CollectedField, failing: string): GraphqlError {
  return {
    message: `(aborted) ${field.responseKey} was not executed because ${failing} failed`,
    path: [field.responseKey],
    extensions: { code: "ABORTED" },
  };
}

/** Resolves one root field on the operation's session, runs its checks and returns its presented value. */
async function executeRootField(run: Run, field: CollectedField): Promise<unknown> {
  const value = await resolveRootField(run, field);
  run.response[field.responseKey] = value;
  const presented = presentRootField(value, field, {
    fragments: run.prepared.fragments,
    variables: run.variables,
    cel: run.cel,
    checkDirective: run.env.schema.getDirective("check")!,
  });
  if (presented.failure) {
    throw new FieldFailure({
      message: presented.failure.message,
      path: [field.responseKey],
      extensions: { code: "PERMISSION_DENIED" },
    });
  }
  return presented.value;
}

async function resolveRootField(run: Run, field: CollectedField): Promise<unknown> {
  const { env, session: db } = run;
  const root = run.prepared.kind === "mutation" ? env.schema.getMutationType()! : env.schema.getQueryType()!;
  if (field.name === "__typename") return root.name;
  if ((field.name === "__schema" || field.name === "__type") && run.prepared.introspection)
    return introspect(run, field);
  // Built-in fields (`_service`, native SQL, an embedded `query`) are no key lookups: no implicit refresh.
  if (!env.catalog.rootField(run.prepared.kind, field.name)) run.trace.lookups = null;
  if (field.name === "_service") return { sdl: env.sdl, schema: printedSchema(env.schema) };
  if (field.name === "query" && run.prepared.kind === "mutation") return resolveEmbeddedQuery(run, field);
  const def = (root as GraphQLObjectType).getFields()[field.name];
  if (!def) throw new RequestError("INVALID_ARGUMENT", `${root.name} has no field ${field.name}`);
  const ctx = new PlanContext({
    catalog: env.catalog,
    schema: env.schema,
    fragments: run.prepared.fragments,
    variables: run.variables,
    cel: run.cel,
  });
  const args = argumentsOf(ctx, def, field.nodes[0]!);
  const sub = collectFields(subSelections(field), ctx.fragments, ctx.variables);
  switch (field.name) {
    case "_select":
    case "_selectFirst": {
      const sql = nativeSelectSql(ctx, args.sql as string, args.params, field.name === "_selectFirst");
      return readOnlySelect(run, `SELECT ${sql} AS v`, ctx.params.values);
    }
    case "_execute": {
      const sql = nativeExecuteStatement(ctx, args.sql as string, args.params);
      const count = await inServiceSchema(
        run,
        async (q) => (await q.command(sql, ctx.params.values)).rowCount,
      );
      noteWrite(run);
      return count;
    }
    case "_executeReturning":
    case "_executeReturningFirst": {
      const sql = nativeReturningStatement(
        ctx,
        args.sql as string,
        args.params,
        field.name.endsWith("First"),
      );
      const value = await inServiceSchema(run, (q) => selectValue(q, sql, ctx.params.values));
      noteWrite(run);
      return value;
    }
  }
  const target = env.catalog.rootField(run.prepared.kind, field.name);
  if (!target) throw new RequestError("INVALID_ARGUMENT", `${root.name} has no field ${field.name}`);
  if (target.kind === "mutation") {
    const value = await selectValue(
      db,
      mutationStatement(ctx, target.table, target.mutation, args),
      ctx.params.values,
    );
    const written =
      SINGLE_ENTITY_MUTATIONS.has(target.mutation) && value && typeof value === "object"
        ? entityId(target.table, value as Record<string, unknown>)
        : undefined;
    noteWrite(run, written);
    return value;
  }
  noteLookup(run, ctx, target, args);
  const sql =
    target.kind === "single"
      ? singleSql(ctx, target.table, sub, args)
      : rootListSql(ctx, target.table, sub, args, { search: target.kind === "search" });
  return selectValue(db, `SELECT ${sql} AS v`, ctx.params.values);
}

/** `__schema` / `__type` as graphql-js answers them over the generated schema (admin endpoints only). */
async function introspect(run: Run, field: CollectedField): Promise<unknown> {
  run.trace.lookups = null;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...run.prepared.operation,
        directives: [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: field.nodes },
      },
      ...Object.values(run.prepared.fragments),
    ],
  };
  const result = await executeGraphqlJs({
    schema: run.env.schema,
    document,
    variableValues: run.variables,
  });
  if (result.errors?.length) throw new RequestError("INVALID_ARGUMENT", result.errors[0]!.message);
  return result.data?.[field.responseKey] ?? null;
}

/**
 * Records a mutation statement that succeeded. Outside a transaction it is committed already (autocommit,
 * or native SQL's own transaction, whose COMMIT the session confirmed); inside the operation's transaction
 * it waits for that COMMIT (`executeInTransaction`).
 */
function noteWrite(run: Run, entity?: string): void {
  const into = run.inTransaction ? run.pending : undefined;
  if (into) {
    into.wrote = true;
    if (entity) into.writes.push(entity);
    return;
  }
  run.trace.committed = true;
  if (entity) run.trace.writes.push(entity);
}

/** Records a root key lookup (`post(id:)`, `user(key:)`) for implicit refreshes; anything else ends them. */
function noteLookup(run: Run, ctx: PlanContext, target: RootField, args: Record<string, unknown>): void {
  const { trace } = run;
  if (!trace.lookups) return;
  if (target.kind !== "single" || (args.id == null && args.key == null)) {
    trace.lookups = null;
    return;
  }
  const given = (args.id != null ? { id: args.id } : args.key) as Record<string, unknown>;
  const key: Record<string, unknown> = {};
  for (const field of target.table.keyFields) {
    const expr = given[`${field}_expr`];
    key[field] = expr != null ? ctx.serverValue(expr as string) : given[field];
  }
  trace.lookups.push(entityId(target.table, key));
}

const printed = new WeakMap<GraphQLSchema, string>();

/** The full SDL of a compiled schema, printed once (VS Code asks for it repeatedly). */
function printedSchema(schema: GraphQLSchema): string {
  let text = printed.get(schema);
  if (text === undefined) {
    text = printSchema(schema);
    printed.set(schema, text);
  }
  return text;
}

/** `query { … }` inside a mutation: reads at this point of the mutation, inside its transaction. */
async function resolveEmbeddedQuery(run: Run, field: CollectedField): Promise<unknown> {
  const inner: Run = { ...run, prepared: { ...run.prepared, kind: "query" } };
  const out: Record<string, unknown> = {};
  for (const sub of collectFields(subSelections(field), run.prepared.fragments, run.variables)) {
    out[sub.responseKey] = await resolveRootField(inner, sub);
  }
  return out;
}

/** Unqualified names in native SQL resolve in the service's Postgres schema, then `public`. */
function nativeSearchPath(env: ExecutionEnv): string[] {
  return [env.model.pgSchema, "public"];
}

/**
 * Runs native DML (`_execute*`) with unqualified names resolving in the service's schema. SQL the engine
 * did not write may change session settings, so the session is reset before the next operation gets it.
 */
async function inServiceSchema<T>(run: Run, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const { session, env } = run;
  session.markDirty();
  if (run.inTransaction) {
    // Inside the operation's transaction: the setting lasts until it ends, which only helps later native SQL.
    await session.exec(`SET LOCAL search_path TO ${nativeSearchPath(env).map(quoteIdent).join(", ")}`);
    return fn(session);
  }
  return session.transaction(fn, { searchPath: nativeSearchPath(env) });
}

/** Runs native `_select*` read-only, with unqualified names resolving in the service's schema. */
async function readOnlySelect(run: Run, sql: string, params: readonly (string | null)[]): Promise<unknown> {
  const { session, env } = run;
  if (!run.inTransaction) {
    const rows = await session.readOnlyQuery<{ v: unknown }>(sql, params, {
      searchPath: nativeSearchPath(env),
    });
    return jsonValue(rows[0]?.v);
  }
  // Inside a mutation's transaction: a savepoint scopes the read-only mode and the search path, and rolling
  // back to it (a read has nothing to keep) undoes whatever settings the SQL changed.
  await session.exec(
    `SAVEPOINT rookery_native_select; SET LOCAL transaction_read_only = on; SET LOCAL search_path TO ${nativeSearchPath(env).map(quoteIdent).join(", ")}`,
  );
  try {
    return await selectValue(session, sql, params);
  } finally {
    await session.exec(
      "ROLLBACK TO SAVEPOINT rookery_native_select; RELEASE SAVEPOINT rookery_native_select",
    );
  }
}

async function selectValue(
  db: Queryable,
  statement: string,
  params: readonly (string | null)[],
): Promise<unknown> {
  const rows = await db.query<{ v: unknown }>(statement, params);
  return jsonValue(rows[0]?.v);
}

/** A statement's single JSON value (drivers hand `json` either parsed or as text). */
function jsonValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  return typeof v === "string" ? JSON.parse(v) : v;
}

const SQLSTATE_CODES: [RegExp, GrpcStatus][] = [
  [/^23505$/, "ALREADY_EXISTS"],
  [/^23503$/, "FAILED_PRECONDITION"],
  [/^23(502|514)$/, "INVALID_ARGUMENT"],
  [/^22/, "INVALID_ARGUMENT"],
  [/^42/, "INVALID_ARGUMENT"],
  [/^25006$/, "PERMISSION_DENIED"],
  [/^40/, "ABORTED"],
  [/^57014$/, "DEADLINE_EXCEEDED"], // canceled by statement_timeout
];

function toFailure(error: unknown, field: CollectedField): FieldFailure {
  return error instanceof FieldFailure ? error : new FieldFailure(fieldError(error, [field.responseKey]));
}

/** An error raised while resolving one field, as the GraphQL error reported at `path`. */
export function fieldError(error: unknown, path: (string | number)[]): GraphqlError {
  if (error instanceof RequestError)
    return { message: error.message, path, extensions: { code: error.status } };
  const sqlState = (error as { code?: unknown }).code;
  let message = error instanceof Error ? error.message : String(error);
  const constraint = (error as { constraint?: unknown }).constraint;
  if (typeof constraint === "string" && !message.includes(constraint))
    message += ` (constraint ${constraint})`;
  const code =
    typeof sqlState === "string"
      ? (SQLSTATE_CODES.find(([re]) => re.test(sqlState))?.[1] ?? "INTERNAL")
      : "INTERNAL";
  return { message, path, extensions: { code } };
}
