// Mutation root fields (spec §3.6) → one SQL statement each, yielding the field's JSON value.
import type { Table } from "../schema/model.ts";
import { quoteIdent } from "../schema/model.ts";
import type { PlanContext } from "./context.ts";
import { PlanError } from "./context.ts";
import { type Assignments, dataAssignments } from "./data.ts";
import { encodeColumn } from "./encode.ts";
import { and, filterSql } from "./filter.ts";
import { orderTerms } from "./order.ts";
import { keyConditions } from "./select.ts";

type Args = Record<string, unknown>;

/** The kinds of generated mutation fields, by suffix. */
export type MutationKind =
  | "insert"
  | "insertMany"
  | "upsert"
  | "upsertMany"
  | "update"
  | "updateMany"
  | "delete"
  | "deleteMany";

/**
 * The statement for a generated mutation field: `WITH m AS (<DML> RETURNING …) SELECT … AS v`, whose
 * single value is a key object, a list of keys, a count or null.
 */
export function mutationStatement(ctx: PlanContext, table: Table, kind: MutationKind, args: Args): string {
  if (table.kind === "view")
    throw new PlanError("INVALID_ARGUMENT", `${table.typeName} is a view and cannot be changed`);
  const one = (dml: string) => `WITH m AS (${dml}) SELECT (SELECT k FROM m LIMIT 1) AS v`;
  // Postgres returns the rows of a multi-row INSERT in VALUES order; json_agg keeps that order.
  const list = (dml: string) => `WITH m AS (${dml}) SELECT coalesce(json_agg(k), '[]'::json) AS v FROM m`;
  const count = (dml: string) => `WITH m AS (${dml}) SELECT count(*)::int AS v FROM m`;
  switch (kind) {
    case "insert":
      return one(insertSql(ctx, table, [args.data as Args], false));
    case "upsert":
      return one(insertSql(ctx, table, [args.data as Args], true));
    case "insertMany":
    case "upsertMany": {
      const rows = args.data as Args[];
      if (rows.length === 0) return `SELECT '[]'::json AS v`;
      return list(insertSql(ctx, table, rows, kind === "upsertMany"));
    }
    case "update":
      return one(updateSql(ctx, table, args, singleRowCondition(ctx, table, args)));
    case "updateMany":
      return count(updateSql(ctx, table, args, manyRowsCondition(ctx, table, args)));
    case "delete":
      return one(deleteSql(ctx, table, singleRowCondition(ctx, table, args)));
    case "deleteMany":
      return count(deleteSql(ctx, table, manyRowsCondition(ctx, table, args)));
  }
}

/** `json_build_object` of the key fields of the row aliased `alias` (the `T_KeyOutput` value). */
function keyJson(ctx: PlanContext, table: Table, alias: string): string {
  const pairs = ctx.catalog
    .keyColumns(table)
    .map((c) => `'${c.field}', ${encodeColumn(`${alias}.${quoteIdent(c.column)}`, c)}`);
  return `json_build_object(${pairs.join(", ")})`;
}

function insertSql(ctx: PlanContext, table: Table, rows: readonly Args[], upsert: boolean): string {
  const target = ctx.catalog.from(table);
  const assignments = rows.map((row) => dataAssignments(ctx, table, row, { kind: "insert" }));
  const columns = [...new Set(assignments.flatMap((a) => [...a.keys()]))];
  const values = assignments.map((a) => `(${columns.map((c) => a.get(c) ?? "DEFAULT").join(", ")})`);
  let sql = columns.length
    ? `INSERT INTO ${target} AS cur (${columns.map(quoteIdent).join(", ")}) VALUES ${values.join(", ")}`
    : `INSERT INTO ${target} AS cur DEFAULT VALUES`;
  if (upsert) {
    const keys = ctx.catalog.keyColumns(table).map((c) => c.column);
    const updates = upsertUpdates(ctx, table, rows, columns, keys);
    sql += ` ON CONFLICT (${keys.map(quoteIdent).join(", ")}) DO UPDATE SET ${updates}`;
  }
  return `${sql} RETURNING ${keyJson(ctx, table, "cur")} AS k`;
}

/** On conflict, set what the data set; `_update` operators apply to the existing row. */
function upsertUpdates(
  ctx: PlanContext,
  table: Table,
  rows: readonly Args[],
  columns: string[],
  keys: string[],
): string {
  const sets: string[] = [];
  for (const column of columns) {
    if (keys.includes(column)) continue;
    const field = table.columns.find((c) => c.column === column)!;
    const usesUpdate = rows.some((r) => r[`${field.field}_update`] !== undefined);
    if (usesUpdate && rows.length === 1) {
      const a = dataAssignments(
        ctx,
        table,
        { [`${field.field}_update`]: rows[0]![`${field.field}_update`] },
        { kind: "update", current: (c) => `cur.${quoteIdent(c)}` },
      );
      sets.push(`${quoteIdent(column)} = ${a.get(column)}`);
    } else {
      sets.push(`${quoteIdent(column)} = EXCLUDED.${quoteIdent(column)}`);
    }
  }
  // Nothing but the key: a no-op update still returns the row (DO NOTHING would return none).
  if (sets.length === 0) sets.push(`${quoteIdent(keys[0]!)} = EXCLUDED.${quoteIdent(keys[0]!)}`);
  return sets.join(", ");
}

function updateSql(ctx: PlanContext, table: Table, args: Args, where: string): string {
  const data = (args.data ?? {}) as Args;
  const assignments: Assignments = dataAssignments(ctx, table, data, {
    kind: "update",
    current: (c) => `cur.${quoteIdent(c)}`,
  });
  const key = ctx.catalog.keyColumns(table)[0]!.column;
  const sets = assignments.size
    ? [...assignments].map(([c, sql]) => `${quoteIdent(c)} = ${sql}`)
    : [`${quoteIdent(key)} = cur.${quoteIdent(key)}`];
  return `UPDATE ${ctx.catalog.from(table)} AS cur SET ${sets.join(", ")} WHERE ${where} RETURNING ${keyJson(ctx, table, "cur")} AS k`;
}

function deleteSql(ctx: PlanContext, table: Table, where: string): string {
  return `DELETE FROM ${ctx.catalog.from(table)} AS cur WHERE ${where} RETURNING ${keyJson(ctx, table, "cur")} AS k`;
}

/** The row `id:`, `key:` or `first:` selects, as a condition on `cur`. */
function singleRowCondition(ctx: PlanContext, table: Table, args: Args): string {
  const given = ["id", "key", "first"].filter((k) => args[k] !== undefined && args[k] !== null);
  if (given.length !== 1)
    throw new PlanError("INVALID_ARGUMENT", `${table.singular} needs exactly one of id, key or first`);
  if (given[0] !== "first")
    return and(keyConditions(ctx, table, "cur", given[0] === "id" ? { id: args.id } : (args.key as Args)));
  const first = args.first as Args;
  const a = ctx.alias();
  const keys = ctx.catalog.keyColumns(table).map((c) => quoteIdent(c.column));
  const order = orderTerms(ctx, table, a, first.orderBy);
  let pick = `SELECT ${keys.map((k) => `${a}.${k}`).join(", ")} FROM ${ctx.catalog.from(table)} ${a} WHERE ${filterSql(ctx, table, a, first.where as Args | undefined)}`;
  if (order.length) pick += ` ORDER BY ${order.map((t) => `${t.sql} ${t.direction}`).join(", ")}`;
  return `(${keys.map((k) => `cur.${k}`).join(", ")}) IN (${pick} LIMIT 1)`;
}

/** `where:` for *Many fields; refusing to touch every row unless `all: true` says so. */
function manyRowsCondition(ctx: PlanContext, table: Table, args: Args): string {
  if (args.where !== undefined && args.where !== null)
    return filterSql(ctx, table, "cur", args.where as Args);
  if (args.all === true) return "TRUE";
  throw new PlanError("INVALID_ARGUMENT", `${table.singular}_*Many without where needs all: true`);
}
