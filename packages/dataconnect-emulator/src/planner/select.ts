// Selections on table types → one SQL expression that yields the whole nested JSON (spec §3.1–3.2).
// Every relation becomes a correlated subquery inside the same statement: no N+1 round trips.
import { type FieldNode, type GraphQLField, type GraphQLObjectType, getArgumentValues } from "graphql";
import type { Table } from "../schema/model.ts";
import { quoteIdent } from "../schema/model.ts";
import { aggregateSql } from "./aggregate.ts";
import type { TableField } from "./catalog.ts";
import { type CollectedField, collectFields, subSelections } from "./collect.ts";
import { type PlanContext, PlanError } from "./context.ts";
import { encodeColumn, paramType } from "./encode.ts";
import { and, filterSql, havingSql, relationSource } from "./filter.ts";
import { type OrderTerm, orderTerms } from "./order.ts";
import { planSearch, type Search } from "./search.ts";

/** json_build_object takes at most 100 arguments; wider objects are merged from chunks. */
const MAX_PAIRS = 50;

type Args = Record<string, unknown>;

/** Argument values of `node` for the schema field `def`, with variables and defaults applied. */
export function argumentsOf(ctx: PlanContext, def: GraphQLField<unknown, unknown>, node: FieldNode): Args {
  return getArgumentValues(def, node, ctx.variables as Record<string, unknown>) as Args;
}

function fieldDef(ctx: PlanContext, table: Table, name: string): GraphQLField<unknown, unknown> {
  const type = ctx.schema.getType(table.typeName) as GraphQLObjectType;
  const def = type.getFields()[name];
  if (!def) throw new Error(`${table.typeName} has no field ${name}`);
  return def;
}

/** Whether a selection asks for aggregates (and so groups rows by its plain fields). */
function isGrouped(ctx: PlanContext, table: Table, fields: readonly CollectedField[]): boolean {
  return fields.some((f) => ctx.catalog.field(table, f.name)?.kind === "aggregate");
}

/** SQL building the JSON object of one row of `table` (aliased `alias`) for `fields`. */
export function objectSql(
  ctx: PlanContext,
  table: Table,
  alias: string,
  fields: readonly CollectedField[],
  grouped = false,
): string {
  const pairs = fields.map(
    (f) => `'${f.responseKey.replaceAll("'", "''")}', ${fieldSql(ctx, table, alias, f, grouped)}`,
  );
  if (pairs.length <= MAX_PAIRS) return `json_build_object(${pairs.join(", ")})`;
  const chunks: string[] = [];
  for (let i = 0; i < pairs.length; i += MAX_PAIRS)
    chunks.push(`jsonb_build_object(${pairs.slice(i, i + MAX_PAIRS).join(", ")})`);
  // jsonb reorders keys; the presenter restores selection order afterwards.
  return `(${chunks.join(" || ")})::json`;
}

function fieldSql(
  ctx: PlanContext,
  table: Table,
  alias: string,
  f: CollectedField,
  grouped: boolean,
): string {
  const field = ctx.catalog.field(table, f.name);
  if (!field) throw new PlanError("INVALID_ARGUMENT", `${table.typeName} has no field ${f.name}`);
  switch (field.kind) {
    case "typename":
      return `'${table.typeName}'`;
    case "metadata":
      return ctx.search?.rowAlias === alias
        ? `json_build_object('relevance', ${ctx.search.relevance(alias)}, 'distance', NULL)`
        : "NULL::json";
    case "column":
      return encodeColumn(`${alias}.${quoteIdent(field.column.column)}`, field.column);
    case "aggregate": {
      if (!grouped) throw new PlanError("INVALID_ARGUMENT", `${f.name} is only available in a list`);
      const args = argumentsOf(ctx, fieldDef(ctx, table, f.name), f.nodes[0]!);
      const { sql, column } = aggregateSql(alias, field, args.distinct === true);
      return field.fn === "count"
        ? sql
        : encodeColumn(sql, { ...column, type: { ...column.type, list: false } });
    }
    case "relation": {
      if (grouped)
        throw new PlanError("INVALID_ARGUMENT", `${f.name} cannot be selected together with aggregates`);
      const b = ctx.alias();
      const link = field.relation.columns.map(
        (c, i) => `${b}.${quoteIdent(field.relation.references[i]!)} = ${alias}.${quoteIdent(c)}`,
      );
      const sub = collectFields(subSelections(f), ctx.fragments, ctx.variables);
      return `(SELECT ${objectSql(ctx, field.target, b, sub)} FROM ${ctx.catalog.from(field.target)} ${b} WHERE ${and(link)})`;
    }
    case "relationField":
      if (grouped)
        throw new PlanError("INVALID_ARGUMENT", `${f.name} cannot be selected together with aggregates`);
      return relationFieldSql(ctx, table, alias, f, field);
  }
}

function relationFieldSql(
  ctx: PlanContext,
  table: Table,
  alias: string,
  f: CollectedField,
  field: Extract<TableField, { kind: "relationField" }>,
): string {
  const src = relationSource(ctx, table, alias, field.field);
  const sub = collectFields(subSelections(f), ctx.fragments, ctx.variables);
  if (field.field.kind === "reverseOne") {
    return `(SELECT ${objectSql(ctx, src.rowTable, src.rowAlias, sub)} FROM ${src.from} WHERE ${and(src.link)} LIMIT 1)`;
  }
  const args = argumentsOf(ctx, fieldDef(ctx, table, f.name), f.nodes[0]!);
  return listSql(ctx, {
    from: src.from,
    link: src.link,
    rowTable: src.rowTable,
    rowAlias: src.rowAlias,
    argTable: src.filterTable,
    argAlias: src.filterAlias,
    fields: sub,
    args,
  });
}

/** SQL for a list of rows as a JSON array (root list fields and one-to-many / many-to-many fields). */
export function listSql(
  ctx: PlanContext,
  q: {
    from: string;
    link: string[];
    rowTable: Table;
    rowAlias: string;
    /** Table and alias the `where`/`orderBy`/`having` arguments apply to (the join table for many-to-many). */
    argTable: Table;
    argAlias: string;
    fields: readonly CollectedField[];
    args: Args;
    /** Full-text search over the rows (root `_search` fields). */
    search?: Search;
  },
): string {
  const grouped = isGrouped(ctx, q.rowTable, q.fields);
  const where = and([
    ...q.link,
    filterSql(ctx, q.argTable, q.argAlias, q.args.where as Args | undefined),
    ...(q.search ? [q.search.condition(q.rowAlias)] : []),
  ]);
  let order: OrderTerm[] = orderTerms(ctx, q.argTable, q.argAlias, q.args.orderBy);
  if (q.search && order.length === 0) order = [{ sql: q.search.relevance(q.rowAlias), direction: "DESC" }];
  const distinct = q.args.distinct === true;
  const page = pageSql(ctx, q.args);
  if (!grouped && !distinct) {
    // Rows are picked (filter, sort, limit) first and turned into JSON after, so a top-k over many
    // candidate rows builds JSON only for the k it keeps.
    const s = ctx.alias();
    if (q.search) ctx.search = { ...q.search, rowAlias: s };
    const needed = neededColumns(ctx, q.rowTable, q.fields);
    if (q.search) needed.push(...q.search.columns.filter((c) => !needed.includes(c)));
    const columns = needed.map((c) => `${q.rowAlias}.${quoteIdent(c)}`);
    const inner = [...columns, ...order.map((t, i) => `${t.sql} AS "__o${i}"`)].join(", ");
    let sql = `SELECT ${inner} FROM ${q.from} WHERE ${where}`;
    if (order.length) sql += ` ORDER BY ${order.map((t) => `${t.sql} ${t.direction}`).join(", ")}`;
    const json = objectSql(ctx, q.rowTable, s, q.fields);
    const agg = order.length
      ? `json_agg(${json} ORDER BY ${order.map((t, i) => `${s}."__o${i}" ${t.direction}`).join(", ")})`
      : `json_agg(${json})`;
    return `(SELECT coalesce(${agg}, '[]'::json) FROM (${sql}${page}) ${s})`;
  }
  const json = objectSql(ctx, q.rowTable, q.rowAlias, q.fields, grouped);
  const select = [
    `${distinct ? `DISTINCT ${json}::jsonb` : json} AS j`,
    ...order.map((t, i) => `${t.sql} AS o${i}`),
  ];
  let sql = `SELECT ${select.join(", ")} FROM ${q.from} WHERE ${where}`;
  if (grouped) {
    const plain = q.fields.filter((f) => ctx.catalog.field(q.rowTable, f.name)?.kind === "column");
    const groupBy = plain.map((f) => {
      const field = ctx.catalog.field(q.rowTable, f.name) as Extract<TableField, { kind: "column" }>;
      return `${q.rowAlias}.${quoteIdent(field.column.column)}`;
    });
    if (groupBy.length) sql += ` GROUP BY ${groupBy.join(", ")}`;
    const having = havingSql(ctx, q.rowTable, q.rowAlias, q.args.having as Args | undefined);
    if (having !== "TRUE") sql += ` HAVING ${having}`;
  }
  if (order.length) {
    sql += ` ORDER BY ${order.map((t, i) => (distinct ? `o${i} ${t.direction}` : `${t.sql} ${t.direction}`)).join(", ")}`;
  }
  const agg = order.length
    ? `json_agg(s.j ORDER BY ${order.map((_, i) => `s.o${i} ${order[i]!.direction}`).join(", ")})`
    : "json_agg(s.j)";
  return `(SELECT coalesce(${agg}, '[]'::json) FROM (${sql}${page}) s)`;
}

/** The columns of `table` that building `fields` reads: carried through sorts instead of whole rows. */
function neededColumns(ctx: PlanContext, table: Table, fields: readonly CollectedField[]): string[] {
  const out = new Set(ctx.catalog.keyColumns(table).map((c) => c.column));
  for (const f of fields) {
    const field = ctx.catalog.field(table, f.name);
    if (field?.kind === "column") out.add(field.column.column);
    else if (field?.kind === "relation") for (const c of field.relation.columns) out.add(c);
    else if (field?.kind === "relationField") {
      const rf = field.field;
      for (const c of rf.kind === "manyToMany" ? rf.near.references : rf.relation.references) out.add(c);
    }
  }
  return [...out];
}

function pageSql(ctx: PlanContext, args: Args): string {
  let sql = "";
  if (args.limit !== null && args.limit !== undefined)
    sql += ` LIMIT ${ctx.params.bind(Math.max(0, args.limit as number), "bigint")}`;
  if (args.offset !== null && args.offset !== undefined)
    sql += ` OFFSET ${ctx.params.bind(Math.max(0, args.offset as number), "bigint")}`;
  return sql;
}

/** SQL for a single-row lookup by `id`, `key` or `first` (root `t(...)` fields). */
export function singleSql(
  ctx: PlanContext,
  table: Table,
  fields: readonly CollectedField[],
  args: Args,
): string {
  const a = ctx.alias();
  const given = ["id", "key", "first"].filter((k) => args[k] !== undefined && args[k] !== null);
  if (given.length !== 1) {
    throw new PlanError("INVALID_ARGUMENT", `${table.singular} needs exactly one of id, key or first`);
  }
  let where: string;
  let order: OrderTerm[] = [];
  if (given[0] === "first") {
    const first = args.first as Args;
    where = filterSql(ctx, table, a, first.where as Args | undefined);
    order = orderTerms(ctx, table, a, first.orderBy);
  } else {
    const key = given[0] === "id" ? { id: args.id } : (args.key as Args);
    where = and(keyConditions(ctx, table, a, key));
  }
  let sql = `SELECT ${a}.* FROM ${ctx.catalog.from(table)} ${a} WHERE ${where}`;
  if (order.length) sql += ` ORDER BY ${order.map((t) => `${t.sql} ${t.direction}`).join(", ")}`;
  const s = ctx.alias();
  return `(SELECT ${objectSql(ctx, table, s, fields)} FROM (${sql} LIMIT 1) ${s})`;
}

/** `col = $n` for every key field of a `T_Key` input (values or `_expr` server values). */
export function keyConditions(ctx: PlanContext, table: Table, alias: string, key: Args): string[] {
  return ctx.catalog.keyColumns(table).map((column) => {
    let value = key[column.field];
    const expr = key[`${column.field}_expr`];
    if (expr !== undefined && expr !== null) value = ctx.serverValue(expr as string);
    if (value === undefined || value === null) {
      throw new PlanError(
        "INVALID_ARGUMENT",
        `${table.typeName}_Key needs ${column.field} (or ${column.field}_expr)`,
      );
    }
    return `${alias}.${quoteIdent(column.column)} = ${ctx.params.bind(value, paramType(column))}`;
  });
}

/** SQL for a root list field over `table`: `ts(...)`, or `ts_search(...)` when `search` is set. */
export function rootListSql(
  ctx: PlanContext,
  table: Table,
  fields: readonly CollectedField[],
  args: Args,
  { search = false } = {},
): string {
  const a = ctx.alias();
  return listSql(ctx, {
    from: `${ctx.catalog.from(table)} ${a}`,
    link: [],
    rowTable: table,
    rowAlias: a,
    argTable: table,
    argAlias: a,
    fields,
    args,
    ...(search ? { search: planSearch(ctx, table, args) } : {}),
  });
}
