// Native SQL root fields (spec §3.7): `_select`, `_selectFirst` (and, with mutations, `_execute*`).
import type { PlanContext } from "./context.ts";
import { PlanError } from "./context.ts";
import { arrayLiteral } from "./params.ts";

const READ_ONLY_START = /^\s*(\(|select\b|with\b|values\b|table\b)/i;

/** Binds `params` (server values `{_expr: "…"}` evaluated) positionally, uncast: Postgres infers their types. */
export function bindNativeParams(ctx: PlanContext, params: unknown): void {
  if (params === null || params === undefined) return;
  if (!Array.isArray(params)) throw new PlanError("INVALID_ARGUMENT", "params must be a list");
  for (const p of params) {
    let value = p;
    if (p && typeof p === "object" && !Array.isArray(p) && "_expr" in p)
      value = ctx.serverValue(String((p as { _expr: unknown })._expr));
    ctx.params.values.push(nativeParamText(value));
  }
}

/**
 * A native parameter as text for Postgres to parse by its inferred type: lists become array literals
 * (`$1::uuid[]`, `= ANY($1)`), objects JSON (`$1::jsonb`), everything else its string form.
 */
function nativeParamText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return arrayLiteral(value, "text");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** SQL returning `_select`'s rows as a JSON array (or the first row for `_selectFirst`). */
export function nativeSelectSql(ctx: PlanContext, sql: string, params: unknown, first: boolean): string {
  const body = sql.trim().replace(/;\s*$/, "");
  if (!READ_ONLY_START.test(body))
    throw new PlanError(
      "INVALID_ARGUMENT",
      "_select takes a read-only statement (SELECT, WITH, VALUES or TABLE)",
    );
  bindNativeParams(ctx, params);
  return first
    ? `(SELECT to_json(q) FROM (${body}) q LIMIT 1)`
    : `(SELECT coalesce(json_agg(to_json(q)), '[]'::json) FROM (${body}) q)`;
}

const DML_START = /^\s*(insert|update|delete|merge|with)\b/i;

/** The statement for `_executeReturning` (all rows) or `_executeReturningFirst` (first row or null). */
export function nativeReturningStatement(
  ctx: PlanContext,
  sql: string,
  params: unknown,
  first: boolean,
): string {
  const body = checkedDml(sql);
  bindNativeParams(ctx, params);
  return first
    ? `WITH q AS (${body}) SELECT (SELECT to_json(q) FROM q LIMIT 1) AS v`
    : `WITH q AS (${body}) SELECT coalesce(json_agg(to_json(q)), '[]'::json) AS v FROM q`;
}

/** Checks and returns the DML of `_execute`, binding its params; the caller counts affected rows. */
export function nativeExecuteStatement(ctx: PlanContext, sql: string, params: unknown): string {
  const body = checkedDml(sql);
  bindNativeParams(ctx, params);
  return body;
}

function checkedDml(sql: string): string {
  const body = sql.trim().replace(/;\s*$/, "");
  if (!DML_START.test(body))
    throw new PlanError(
      "INVALID_ARGUMENT",
      "_execute takes one data-changing statement (INSERT, UPDATE, DELETE, MERGE or WITH)",
    );
  return body;
}
