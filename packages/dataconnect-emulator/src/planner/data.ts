// `T_Data` inputs (spec §3.6) → column assignments: plain values, server values (`_expr`),
// relative dates and times, update operators and connect-by-key relations.
import type { Column, Table } from "../schema/model.ts";
import type { PlanContext } from "./context.ts";
import { PlanError } from "./context.ts";
import { elementSqlType, paramType } from "./encode.ts";
import { intervalText, relativeDateSql, relativeTimestampSql } from "./relative.ts";

type Input = Record<string, unknown>;

/** Column name → SQL expression. `current` renders the row's present value of a column (for `_update`). */
export type Assignments = Map<string, string>;

/**
 * Assignments for one `T_Data` object. In `insert` mode, `_update` operators start from the column's
 * empty value (0, the empty list) and server-side `@default(expr)`s fill the columns left unset.
 */
export function dataAssignments(
  ctx: PlanContext,
  table: Table,
  data: Input,
  mode: { kind: "insert" } | { kind: "update"; current: (column: string) => string },
): Assignments {
  const out: Assignments = new Map();
  const set = (column: Column, sql: string, from: string) => {
    if (out.has(column.column))
      throw new PlanError("INVALID_ARGUMENT", `${table.typeName}_Data sets ${column.field} twice (${from})`);
    out.set(column.column, sql);
  };
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const relation = table.relations.find((r) => r.field === key);
    if (relation) {
      const target = ctx.catalog.table(relation.target);
      const keyValue = value as Input | null;
      relation.fkFields.forEach((fk, i) => {
        const column = table.columns.find((c) => c.field === fk)!;
        const targetField = target.columns.find((c) => c.column === relation.references[i])!.field;
        let v = keyValue?.[targetField];
        const expr = keyValue?.[`${targetField}_expr`];
        if (expr !== undefined && expr !== null) v = ctx.serverValue(expr as string);
        set(column, ctx.params.bind(v, castType(column)), key);
      });
      continue;
    }
    const [field, suffix] = splitSuffix(table, key);
    const column = table.columns.find((c) => c.field === field);
    if (!column) throw new PlanError("INVALID_ARGUMENT", `${table.typeName}_Data has no field ${key}`);
    switch (suffix) {
      case undefined:
        set(column, ctx.params.bind(value, castType(column)), key);
        break;
      case "expr":
        set(column, ctx.params.bind(ctx.serverValue(value as string), castType(column)), key);
        break;
      case "time":
        set(column, relativeTimestampSql(ctx, value as Input), key);
        break;
      case "date":
        set(column, relativeDateSql(ctx, value as Input), key);
        break;
      case "update": {
        const base = mode.kind === "update" ? mode.current(column.column) : emptyValue(column);
        set(column, updateSql(ctx, column, base, value as Input[]), key);
        break;
      }
      default:
        throw new PlanError("INVALID_ARGUMENT", `${table.typeName}_Data has no field ${key}`);
    }
  }
  if (mode.kind === "insert") {
    for (const column of table.columns) {
      if (out.has(column.column) || column.default?.kind !== "expr") continue;
      // Without a user (admin calls), an `auth.uid` default leaves the column to its NOT NULL rule.
      if (column.default.expr === "auth.uid" && !ctx.cel.auth) continue;
      // Server values are the request's (one `request.time` per request), not the database's now().
      if (column.default.expr === "auth.uid" || column.default.expr === "request.time") {
        out.set(column.column, ctx.params.bind(ctx.serverValue(column.default.expr), castType(column)));
      }
    }
  }
  return out;
}

/** The type a parameter for `column` is cast to. */
const castType = paramType;

function splitSuffix(table: Table, key: string): [string, string | undefined] {
  if (table.columns.some((c) => c.field === key)) return [key, undefined];
  const i = key.lastIndexOf("_");
  return i < 0 ? [key, undefined] : [key.slice(0, i), key.slice(i + 1)];
}

function emptyValue(column: Column): string {
  if (column.type.list) return `'{}'::${column.sqlType}`;
  if (column.type.name === "Date" || column.type.name === "Timestamp") {
    throw new PlanError(
      "INVALID_ARGUMENT",
      `${column.field}_update needs an existing row; use ${column.field}_time or _date to insert`,
    );
  }
  return `0::${column.sqlType}`;
}

/** Applies `[{inc: 1}, {append: [...]}, …]` in order to `base`. */
function updateSql(ctx: PlanContext, column: Column, base: string, ops: Input[]): string {
  let sql = base;
  const element = elementSqlType(column);
  for (const op of ops) {
    const [name, operand] = Object.entries(op).find(([, v]) => v !== undefined && v !== null) ?? [];
    if (!name) continue;
    if (column.type.list) {
      const arr = ctx.params.bind(operand, `${element}[]`);
      const cur = `coalesce(${sql}, '{}'::${column.sqlType})`;
      if (name === "append") sql = `(${cur} || ${arr})`;
      else if (name === "prepend") sql = `(${arr} || ${cur})`;
      else if (name === "add") {
        // Values not yet in the list, each once, in the order given.
        sql = `(${cur} || ARRAY(SELECT u.x FROM unnest(${arr}) WITH ORDINALITY AS u(x, n) WHERE NOT (u.x = ANY(${cur})) AND u.n = (SELECT min(w.n) FROM unnest(${arr}) WITH ORDINALITY AS w(x, n) WHERE w.x = u.x) ORDER BY u.n))`;
      } else if (name === "remove") {
        sql = `ARRAY(SELECT u.x FROM unnest(${cur}) WITH ORDINALITY AS u(x, n) WHERE NOT (u.x = ANY(${arr})) ORDER BY u.n)`;
      } else throw new PlanError("INVALID_ARGUMENT", `unknown list update ${name}`);
      continue;
    }
    const sign = name === "inc" ? "+" : name === "dec" ? "-" : undefined;
    if (!sign) throw new PlanError("INVALID_ARGUMENT", `unknown update ${name}`);
    if (column.type.name === "Date")
      sql = `(${sql} ${sign} ${ctx.params.bind(intervalText(operand as Input), "interval")})::date`;
    else if (column.type.name === "Timestamp")
      sql = `(${sql} ${sign} ${ctx.params.bind(intervalText(operand as Input), "interval")})`;
    else sql = `(${sql} ${sign} ${ctx.params.bind(operand, paramType(column))})`;
  }
  return sql;
}
