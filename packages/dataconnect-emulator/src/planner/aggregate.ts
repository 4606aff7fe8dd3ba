import type { Column } from "../schema/model.ts";
import { quoteIdent } from "../schema/model.ts";
import type { TableField } from "./catalog.ts";

const COUNT: Column = {
  field: "_count",
  column: "_count",
  type: { kind: "scalar", name: "Int", list: false, elementNonNull: false },
  nonNull: true,
  sqlType: "bigint",
  explicit: false,
};
const FLOAT: Column = { ...COUNT, type: { ...COUNT.type, name: "Float" }, sqlType: "double precision" };

/**
 * SQL of an aggregate field over rows aliased `alias`, with the column that describes its result
 * (for encoding and for comparing it in `having`).
 */
export function aggregateSql(
  alias: string,
  field: Extract<TableField, { kind: "aggregate" }>,
  distinct: boolean,
): { sql: string; column: Column } {
  if (!field.column) return { sql: "count(*)", column: COUNT };
  const col = `${alias}.${quoteIdent(field.column.column)}`;
  const d = distinct ? "DISTINCT " : "";
  switch (field.fn) {
    case "count":
      return { sql: `count(${d}${col})`, column: COUNT };
    case "avg":
      return { sql: `avg(${d}${col})::double precision`, column: FLOAT };
    case "sum":
      // sum(int) is bigint and sum(bigint) numeric in Postgres; cast back to the field's type.
      return {
        sql: `sum(${d}${col})::${field.column.type.name === "Float" ? "double precision" : "bigint"}`,
        column: field.column,
      };
    default:
      return { sql: `${field.fn}(${col})`, column: field.column };
  }
}
