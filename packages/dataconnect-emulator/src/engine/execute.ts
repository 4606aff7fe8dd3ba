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
import type { Database, Queryable } from "../db/database.ts";
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
  const response: Record<string, unknown> = {};
  const run: Run = {
    env,
    prepared,
    variables: coerced.variables,
    response,
    trace,
    cel: {
      auth: caller.kind === "user" ? caller.auth : null,
      requestTime,
      vars: coerced.variables,
      response,
      ...(prepared.name ? { operationName: prepared.name } : {}),
    },
  };
  const fields = collectFields(prepared.operation.selectionSet, prepared.fragments, coerced.variables);
  if (prepared.kind === "mutation" && prepared.transaction) return executeInTransaction(run, fields);
  return executeOneByOne(run, fields);
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
      const value = await executeRootField(run, run.env.db, field);
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
    await run.env.db.transaction(async (tx) => {
      for (const [i, field] of fields.entries()) {
        try {
          const value = await executeRootField(run, tx, field);
          if (!isRedacted(field)) data[field.responseKey] = value;
        } catch (error) {
          failedAt = i;
          failure = toFailure(error, field);
          throw failure;
        }
      }
    });
    return { data };
  } catch (error) {
    if (!failure) {
      run.trace.writes = [];
      run.trace.committed = false;
      throw error; // COMMIT itself failed: a request-level problem
    }
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
    run.trace.writes = [];
    run.trace.committed = false;
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

/** Resolves one root field on `db`, runs its checks and returns its presented value. */
async function executeRootField(run: Run, db: Queryable, field: CollectedField): Promise<unknown> {
  const value = await resolveRootField(run, db, field);
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

async function resolveRootField(run: Run, db: Queryable, field: CollectedField): Promise<unknown> {
  const { env } = run;
  const root = run.prepared.kind === "mutation" ? env.schema.getMutationType()! : env.schema.getQueryType()!;
  if (field.name === "__typename") return root.name;
  if ((field.name === "__schema" || field.name === "__type") && run.prepared.introspection)
    return introspect(run, field);
  // Built-in fields (`_service`, native SQL, an embedded `query`) are no key lookups: no implicit refresh.
  if (!env.catalog.rootField(run.prepared.kind, field.name)) run.trace.lookups = null;
  if (field.name === "_service") return { sdl: env.sdl, schema: printedSchema(env.schema) };
  if (field.name === "query" && run.prepared.kind === "mutation") return resolveEmbeddedQuery(run, db, field);
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
      return readOnly(env, db, (tx) => selectValue(tx, `SELECT ${sql} AS v`, ctx.params.values));
    }
    case "_execute": {
      const sql = nativeExecuteStatement(ctx, args.sql as string, args.params);
      const count = await inServiceSchema(
        env,
        db,
        async (q) => (await q.command(sql, ctx.params.values)).rowCount,
      );
      run.trace.committed = true;
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
      const value = await inServiceSchema(env, db, (q) => selectValue(q, sql, ctx.params.values));
      run.trace.committed = true;
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
    run.trace.committed = true;
    if (SINGLE_ENTITY_MUTATIONS.has(target.mutation) && value && typeof value === "object")
      run.trace.writes.push(entityId(target.table, value as Record<string, unknown>));
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
async function resolveEmbeddedQuery(run: Run, db: Queryable, field: CollectedField): Promise<unknown> {
  const inner: Run = { ...run, prepared: { ...run.prepared, kind: "query" } };
  const out: Record<string, unknown> = {};
  for (const sub of collectFields(subSelections(field), run.prepared.fragments, run.variables)) {
    out[sub.responseKey] = await resolveRootField(inner, db, sub);
  }
  return out;
}

/** Runs native DML with unqualified names resolving in the service's schema (as `_select` does). */
async function inServiceSchema<T>(
  env: ExecutionEnv,
  db: Queryable,
  fn: (q: Queryable) => Promise<T>,
): Promise<T> {
  const setPath = `SET LOCAL search_path TO ${quoteIdent(env.model.pgSchema)}, public`;
  if (db !== env.db) {
    // Inside the operation's transaction: the setting lasts until it ends, which only helps later native SQL.
    await db.exec(setPath);
    return fn(db);
  }
  return env.db.transaction(async (tx) => {
    await tx.exec(setPath);
    return fn(tx);
  });
}

/** Runs `fn` read-only, with unqualified names resolving in the service's schema (native `_select`). */
async function readOnly<T>(env: ExecutionEnv, db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const setup = `SET TRANSACTION READ ONLY; SET LOCAL search_path TO ${quoteIdent(env.model.pgSchema)}, public`;
  if (db === env.db) {
    return env.db.transaction(async (tx) => {
      await tx.exec(setup);
      return fn(tx);
    });
  }
  // Already inside a mutation's transaction: a savepoint scopes the read-only setting.
  await db.exec("SAVEPOINT native_select");
  try {
    await db.exec(`SET LOCAL search_path TO ${quoteIdent(env.model.pgSchema)}, public`);
    const result = await fn(db);
    await db.exec("RELEASE SAVEPOINT native_select");
    return result;
  } catch (error) {
    await db.exec("ROLLBACK TO SAVEPOINT native_select");
    throw error;
  }
}

async function selectValue(
  db: Queryable,
  statement: string,
  params: readonly (string | null)[],
): Promise<unknown> {
  const rows = await db.query<{ v: unknown }>(statement, params);
  const v = rows[0]?.v ?? null;
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
