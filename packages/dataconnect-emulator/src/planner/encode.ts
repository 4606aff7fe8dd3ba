// Output encoding in SQL (spec §1.5): the JSON Postgres builds is already the wire format.
import type { Column } from "../schema/model.ts";

const TIMESTAMP_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** SQL that turns a scalar value of type `scalar` into its wire JSON form. */
export function encodeScalar(sql: string, scalar: string): string {
  switch (scalar) {
    case "UUID":
      return `replace((${sql})::text, '-', '')`;
    case "Int64":
      return `(${sql})::text`;
    case "Timestamp":
      return `to_char((${sql}) AT TIME ZONE 'UTC', ${TIMESTAMP_FORMAT})`;
    case "Date":
      return `to_char(${sql}, 'YYYY-MM-DD')`;
    case "Vector":
      return `((${sql})::text)::json`;
    default:
      return sql;
  }
}

/** SQL for a column's wire value (lists element by element, keeping order and NULLs). */
export function encodeColumn(sql: string, column: Column): string {
  const scalar = column.type.kind === "enum" ? "enum" : column.type.name;
  if (!column.type.list) return encodeScalar(sql, scalar);
  if (!["UUID", "Int64", "Timestamp", "Date"].includes(scalar)) return `to_json(${sql})`;
  return `CASE WHEN ${sql} IS NULL THEN NULL ELSE coalesce((SELECT json_agg(${encodeScalar("e.v", scalar)} ORDER BY e.n) FROM unnest(${sql}) WITH ORDINALITY AS e(v, n)), '[]'::json) END`;
}

/**
 * The type a parameter bound for `column` is cast to. Never a length-limited character type: an
 * explicit cast to varchar(n) silently truncates, where assigning to the column raises "value too
 * long" (data must never be lost quietly). Serial types bind as their integer types.
 */
export function paramType(column: Column): string {
  return column.sqlType
    .replace(/^(character varying|varchar|character|char|bpchar)\s*\(\s*\d+\s*\)/i, "text")
    .replace(/^serial/i, "integer")
    .replace(/^bigserial/i, "bigint");
}

/** The type a parameter compared with an element of `column` is cast to (the element type for lists). */
export function elementSqlType(column: Column): string {
  return paramType(column).replace(/\[\]$/, "");
}
