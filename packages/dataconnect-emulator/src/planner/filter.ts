// `T_Filter` / `T_ListFilter` / `T_Having` inputs → SQL conditions (spec §3.3–3.4).
import type { RelationField } from "../api/relations.ts";
import type { Column, Table } from "../schema/model.ts";
import { quoteIdent } from "../schema/model.ts";
import { aggregateSql } from "./aggregate.ts";
import type { PlanContext } from "./context.ts";
import { elementSqlType } from "./encode.ts";
import { relativeDateSql, relativeTimestampSql } from "./relative.ts";

type Input = Record<string, unknown>;

const COMPARATORS: Record<string, string> = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=" };

/** `a AND b AND …`, or TRUE for none. */
export function and(parts: readonly string[]): string {
  if (parts.length === 0) return "TRUE";
  return parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(" AND ");
}

/** SQL condition for a `T_Filter` on rows of `table` aliased `alias`. A null/absent filter is TRUE. */
export function filterSql(
  ctx: PlanContext,
  table: Table,
  alias: string,
  filter: Input | null | undefined,
): string {
  return booleanSql(filter, (key, value) => fieldFilterSql(ctx, table, alias, key, value));
}

/**
 * The shared shape of `T_Filter` and `T_Having`: `_and`, `_or`, `_not` around conditions on fields,
 * all AND-ed; `leaf` turns one field's condition into SQL.
 */
function booleanSql(input: Input | null | undefined, leaf: (key: string, value: Input) => string): string {
  if (!input) return "TRUE";
  const recurse = (i: Input | null | undefined) => booleanSql(i, leaf);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (key === "_and") parts.push(and((value as Input[]).map(recurse)));
    else if (key === "_or") {
      const list = (value as Input[]).map(recurse);
      parts.push(list.length ? list.map((p) => `(${p})`).join(" OR ") : "FALSE");
    } else if (key === "_not") parts.push(`NOT (${recurse(value as Input)})`);
    else parts.push(leaf(key, value as Input));
  }
  return and(parts);
}

function fieldFilterSql(ctx: PlanContext, table: Table, alias: string, key: string, value: Input): string {
  const field = ctx.catalog.field(table, key);
  if (!field) throw new Error(`${table.typeName}_Filter has no field ${key}`);
  if (field.kind === "column") {
    const sql = `${alias}.${quoteIdent(field.column.column)}`;
    return field.column.type.list
      ? listFilterSql(ctx, sql, field.column, value)
      : scalarFilterSql(ctx, sql, field.column, value);
  }
  if (field.kind === "relation") {
    const b = ctx.alias();
    const link = field.relation.columns.map(
      (c, i) => `${b}.${quoteIdent(field.relation.references[i]!)} = ${alias}.${quoteIdent(c)}`,
    );
    return `EXISTS (SELECT 1 FROM ${ctx.catalog.from(field.target)} ${b} WHERE ${and([...link, filterSql(ctx, field.target, b, value)])})`;
  }
  if (field.kind === "relationField") return relationFilterSql(ctx, table, alias, field.field, value);
  throw new Error(`${key} cannot be filtered on`);
}

/** The FROM clause and join condition that reach a relation field's rows from `alias`. */
export function relationSource(
  ctx: PlanContext,
  table: Table,
  alias: string,
  field: RelationField,
): {
  from: string;
  link: string[];
  rowAlias: string;
  rowTable: Table;
  filterAlias: string;
  filterTable: Table;
} {
  if (field.kind === "manyToMany") {
    const j = ctx.alias();
    const b = ctx.alias();
    const keys = ctx.catalog.keyColumns(table).map((c) => c.column);
    const link = field.near.columns.map(
      (c, i) => `${j}.${quoteIdent(c)} = ${alias}.${quoteIdent(field.near.references[i] ?? keys[i]!)}`,
    );
    const join = field.far.columns.map(
      (c, i) => `${b}.${quoteIdent(field.far.references[i]!)} = ${j}.${quoteIdent(c)}`,
    );
    return {
      from: `${ctx.catalog.from(field.join)} ${j} JOIN ${ctx.catalog.from(field.target)} ${b} ON ${and(join)}`,
      link,
      rowAlias: b,
      rowTable: field.target,
      filterAlias: j,
      filterTable: field.join,
    };
  }
  const c = ctx.alias();
  const link = field.relation.columns.map(
    (col, i) => `${c}.${quoteIdent(col)} = ${alias}.${quoteIdent(field.relation.references[i]!)}`,
  );
  return {
    from: `${ctx.catalog.from(field.source)} ${c}`,
    link,
    rowAlias: c,
    rowTable: field.source,
    filterAlias: c,
    filterTable: field.source,
  };
}

function relationFilterSql(
  ctx: PlanContext,
  table: Table,
  alias: string,
  field: RelationField,
  value: Input,
): string {
  const src = relationSource(ctx, table, alias, field);
  if (field.kind === "reverseOne") {
    return `EXISTS (SELECT 1 FROM ${src.from} WHERE ${and([...src.link, filterSql(ctx, src.rowTable, src.rowAlias, value)])})`;
  }
  // `T_ListFilter {count, exist}`: the filter on m2m rows applies to the far table's rows.
  const where = and([
    ...src.link,
    filterSql(ctx, src.rowTable, src.rowAlias, value.exist as Input | undefined),
  ]);
  const count = (value.count ?? { gt: 0 }) as Input;
  const keys = Object.keys(count).filter((k) => count[k] !== null && count[k] !== undefined);
  if (keys.length === 1 && keys[0] === "gt" && count.gt === 0)
    return `EXISTS (SELECT 1 FROM ${src.from} WHERE ${where})`;
  if (keys.length === 1 && keys[0] === "eq" && count.eq === 0)
    return `NOT EXISTS (SELECT 1 FROM ${src.from} WHERE ${where})`;
  const countSql = `(SELECT count(*) FROM ${src.from} WHERE ${where})`;
  return scalarFilterSql(ctx, countSql, INT_COLUMN, count);
}

const INT_COLUMN: Column = {
  field: "count",
  column: "count",
  type: { kind: "scalar", name: "Int", list: false, elementNonNull: false },
  nonNull: true,
  sqlType: "bigint",
  explicit: false,
};

/** SQL condition for a scalar `X_Filter` on the expression `sql` of type `column`. */
export function scalarFilterSql(ctx: PlanContext, sql: string, column: Column, ops: Input): string {
  const type = elementSqlType(column);
  const parts: string[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null || operand === undefined) continue;
    if (op === "isNull") {
      parts.push(`${sql} IS ${operand ? "" : "NOT "}NULL`);
      continue;
    }
    const [base, suffix] = splitOp(op);
    const comparator = COMPARATORS[base];
    if (comparator) {
      let right: string;
      if (suffix === "expr") right = ctx.params.bind(ctx.serverValue(operand as string), type);
      else if (suffix === "time") right = relativeTimestampSql(ctx, operand as Input);
      else if (suffix === "date") right = relativeDateSql(ctx, operand as Input);
      else right = ctx.params.bind(operand, type);
      parts.push(`${sql} ${comparator} ${right}`);
      continue;
    }
    switch (op) {
      case "in":
        parts.push(`${sql} = ANY(${ctx.params.bind(operand, `${type}[]`)})`);
        break;
      case "nin":
        parts.push(`NOT (${sql} = ANY(${ctx.params.bind(operand, `${type}[]`)}))`);
        break;
      case "contains":
        parts.push(`${sql} LIKE ${ctx.params.bind(`%${escapeLike(operand as string)}%`, "text")}`);
        break;
      case "startsWith":
        parts.push(`${sql} LIKE ${ctx.params.bind(`${escapeLike(operand as string)}%`, "text")}`);
        break;
      case "endsWith":
        parts.push(`${sql} LIKE ${ctx.params.bind(`%${escapeLike(operand as string)}`, "text")}`);
        break;
      case "pattern": {
        const p = operand as { like?: string; regex?: string; ignoreCase?: boolean };
        if (p.like != null)
          parts.push(`${sql} ${p.ignoreCase ? "ILIKE" : "LIKE"} ${ctx.params.bind(p.like, "text")}`);
        if (p.regex != null)
          parts.push(`${sql} ${p.ignoreCase ? "~*" : "~"} ${ctx.params.bind(p.regex, "text")}`);
        break;
      }
      default:
        throw new Error(`unknown filter operator ${op}`);
    }
  }
  return and(parts);
}

/** SQL condition for a list-column `X_ListFilter`. */
function listFilterSql(ctx: PlanContext, sql: string, column: Column, ops: Input): string {
  const type = elementSqlType(column);
  const parts: string[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null || operand === undefined) continue;
    if (op === "includes") parts.push(`${ctx.params.bind(operand, type)} = ANY(${sql})`);
    else if (op === "excludes")
      parts.push(`coalesce(NOT (${ctx.params.bind(operand, type)} = ANY(${sql})), TRUE)`);
    else if (op === "includesAll")
      parts.push(`coalesce(${sql} @> ${ctx.params.bind(operand, `${type}[]`)}, FALSE)`);
    else if (op === "excludesAll")
      parts.push(`coalesce(NOT (${sql} && ${ctx.params.bind(operand, `${type}[]`)}), TRUE)`);
    else throw new Error(`unknown list filter operator ${op}`);
  }
  return and(parts);
}

/** SQL condition for a `T_Having` on groups of `table` aliased `alias`. */
export function havingSql(
  ctx: PlanContext,
  table: Table,
  alias: string,
  having: Input | null | undefined,
): string {
  return booleanSql(having, (key, value) => {
    const field = ctx.catalog.field(table, key);
    if (field?.kind !== "aggregate") throw new Error(`${table.typeName}_Having has no aggregate ${key}`);
    const { sql, column } = aggregateSql(alias, field, false);
    return scalarFilterSql(ctx, sql, column, value);
  });
}

function splitOp(op: string): [string, string | undefined] {
  const i = op.indexOf("_");
  return i < 0 ? [op, undefined] : [op.slice(0, i), op.slice(i + 1)];
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}
