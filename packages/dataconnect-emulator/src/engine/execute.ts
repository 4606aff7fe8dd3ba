// Executes a prepared operation: authorize → coerce variables → one SQL statement per root field.
import { type GraphQLObjectType, type GraphQLSchema, printSchema } from "graphql";
import type { CelScope } from "../cel/evaluate.ts";
import type { Database, Queryable } from "../db/database.ts";
import { type GraphqlError, type GrpcStatus, RequestError } from "../errors.ts";
import type { ModelCatalog } from "../planner/catalog.ts";
import { collectFields } from "../planner/collect.ts";
import { PlanContext } from "../planner/context.ts";
import { nativeSelectSql } from "../planner/native.ts";
import { argumentsOf, rootListSql, singleSql } from "../planner/select.ts";
import { quoteIdent, type SchemaModel } from "../schema/model.ts";
import { authorize } from "./authorize.ts";
import type { PreparedOperation } from "./operation.ts";
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

/** Runs `prepared` for `caller`. Throws RequestError for request-level failures (auth). */
export async function executeOperation(
  env: ExecutionEnv,
  prepared: PreparedOperation,
  inputs: Record<string, unknown>,
  caller: Caller,
): Promise<GraphqlResponse> {
  const requestTime = new Date();
  authorize(prepared.auth, caller, {
    requestTime,
    vars: inputs,
    ...(prepared.name ? { operationName: prepared.name } : {}),
  });
  const coerced = coerceVariables(env.schema, prepared.operation, inputs);
  if (!coerced.ok) return { data: null, errors: coerced.errors };
  if (prepared.kind === "mutation") {
    throw new RequestError(
      "UNIMPLEMENTED",
      "mutations are not supported by this version of the emulator yet",
    );
  }
  const cel: CelScope = {
    auth: caller.kind === "user" ? caller.auth : null,
    requestTime,
    vars: coerced.variables,
    ...(prepared.name ? { operationName: prepared.name } : {}),
  };
  const data: Record<string, unknown> = {};
  const errors: GraphqlError[] = [];
  const root = env.schema.getQueryType()!;
  for (const field of collectFields(prepared.operation.selectionSet, prepared.fragments, coerced.variables)) {
    const ctx = new PlanContext({
      catalog: env.catalog,
      schema: env.schema,
      fragments: prepared.fragments,
      variables: coerced.variables,
      cel,
    });
    try {
      data[field.responseKey] = await resolveQueryField(env, ctx, root, field);
    } catch (error) {
      data[field.responseKey] = null;
      errors.push(fieldError(error, [field.responseKey]));
    }
  }
  return errors.length ? { data, errors } : { data };
}

async function resolveQueryField(
  env: ExecutionEnv,
  ctx: PlanContext,
  root: GraphQLObjectType,
  field: ReturnType<typeof collectFields>[number],
): Promise<unknown> {
  const node = field.nodes[0]!;
  if (field.name === "__typename") return root.name;
  if (field.name === "_service") return { sdl: env.sdl, schema: printSchema(env.schema) };
  const def = root.getFields()[field.name];
  if (!def) throw new RequestError("INVALID_ARGUMENT", `Query has no field ${field.name}`);
  const args = argumentsOf(ctx, def, node);
  const sub = collectFields(
    field.nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])),
    ctx.fragments,
    ctx.variables,
  );
  if (field.name === "_select" || field.name === "_selectFirst") {
    const sql = nativeSelectSql(ctx, args.sql as string, args.params, field.name === "_selectFirst");
    // Read-only transaction: a data-changing CTE inside `_select` is refused by Postgres itself.
    return env.db.transaction(async (tx) => {
      await tx.exec(
        `SET TRANSACTION READ ONLY; SET LOCAL search_path TO ${quoteIdent(env.model.pgSchema)}, public`,
      );
      return selectValue(tx, sql, ctx.params.values);
    });
  }
  const table = env.model.tables.find((t) => t.singular === field.name || t.plural === field.name);
  if (!table) throw new RequestError("INVALID_ARGUMENT", `Query has no field ${field.name}`);
  const sql =
    table.singular === field.name ? singleSql(ctx, table, sub, args) : rootListSql(ctx, table, sub, args);
  return selectValue(env.db, sql, ctx.params.values);
}

async function selectValue(
  db: Queryable,
  expression: string,
  params: readonly (string | null)[],
): Promise<unknown> {
  const rows = await db.query<{ v: unknown }>(`SELECT ${expression} AS v`, params);
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

/** An error raised while resolving one field, as the GraphQL error reported at `path`. */
export function fieldError(error: unknown, path: (string | number)[]): GraphqlError {
  if (error instanceof RequestError)
    return { message: error.message, path, extensions: { code: error.status } };
  const sqlState = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const code =
    typeof sqlState === "string"
      ? (SQLSTATE_CODES.find(([re]) => re.test(sqlState))?.[1] ?? "INTERNAL")
      : "INTERNAL";
  return { message, path, extensions: { code } };
}
