// SchemaModel + what the database has → the statements that bring it up to date, keeping data.
// Removed tables are kept and removed columns lose only NOT NULL, so no edit ever drops data
// (Data Connect's COMPATIBLE mode behaves alike); type changes cast in place.
import type { Column, SchemaModel, Table } from "../schema/model.ts";
import { quoteIdent } from "../schema/model.ts";
import type { Catalog } from "./catalog.ts";

/** The DDL that migrates the database described by `catalog` to `model`, in execution order. */
export function planMigration(model: SchemaModel, catalog: Catalog): string[] {
  const schema = quoteIdent(model.pgSchema);
  const q = (name: string) => `${schema}.${quoteIdent(name)}`;
  const out: string[] = [`CREATE SCHEMA IF NOT EXISTS ${schema}`];
  // pgvector: on Cloud SQL and servers that have it. (Embedded PGlite 0.5 ships without it.)
  if (model.tables.some((t) => t.columns.some((c) => c.type.name === "Vector"))) {
    out.push("CREATE EXTENSION IF NOT EXISTS vector");
  }

  for (const e of model.enums) {
    const existing = catalog.enums.get(e.sqlName);
    if (!existing) out.push(`CREATE TYPE ${q(e.sqlName)} AS ENUM (${e.values.map(literal).join(", ")})`);
    else
      for (const v of e.values)
        if (!existing.includes(v))
          out.push(`ALTER TYPE ${q(e.sqlName)} ADD VALUE IF NOT EXISTS ${literal(v)}`);
  }

  const tables = model.tables.filter((t) => t.kind === "table");
  for (const table of tables) {
    const existing = catalog.tables.get(table.name);
    if (!existing) {
      out.push(createTable(table, q(table.name)));
      continue;
    }
    for (const column of table.columns) {
      const have = existing.get(column.column);
      const col = `${q(table.name)}`;
      if (!have) {
        out.push(`ALTER TABLE ${col} ADD COLUMN ${columnDefinition(column)}`);
        continue;
      }
      const name = quoteIdent(column.column);
      if (!sameType(have.sqlType, column.sqlType)) {
        out.push(
          `ALTER TABLE ${col} ALTER COLUMN ${name} TYPE ${column.sqlType} USING ${name}::${column.sqlType}`,
        );
      }
      const def = defaultSql(column);
      if ((def ?? null) !== have.default && !(def && have.default && sameDefault(def, have.default))) {
        out.push(`ALTER TABLE ${col} ALTER COLUMN ${name} ${def ? `SET DEFAULT ${def}` : "DROP DEFAULT"}`);
      }
      if (column.nonNull !== have.nonNull) {
        out.push(`ALTER TABLE ${col} ALTER COLUMN ${name} ${column.nonNull ? "SET" : "DROP"} NOT NULL`);
      }
    }
    const wanted = new Set(table.columns.map((c) => c.column));
    for (const [name, have] of existing) {
      if (!wanted.has(name) && have.nonNull)
        out.push(`ALTER TABLE ${q(table.name)} ALTER COLUMN ${quoteIdent(name)} DROP NOT NULL`);
    }
  }

  for (const table of tables) {
    for (const relation of table.relations) {
      if (catalog.constraints.has(relation.constraintName)) continue;
      const target = model.tables.find((t) => t.typeName === relation.target)!;
      out.push(
        `ALTER TABLE ${q(table.name)} ADD CONSTRAINT ${quoteIdent(relation.constraintName)} FOREIGN KEY (${relation.columns.map(quoteIdent).join(", ")}) REFERENCES ${q(target.name)} (${relation.references.map(quoteIdent).join(", ")}) ON DELETE ${relation.onDelete}`,
      );
    }
    for (const relation of table.relations.filter((r) => r.unique)) {
      const name = `${table.name}_${relation.columns.join("_")}_uidx`;
      const isKey = samePrimaryKey(table, relation.columns);
      if (!isKey && !catalog.indexes.has(name)) {
        out.push(
          `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${q(table.name)} (${relation.columns.map(quoteIdent).join(", ")})`,
        );
      }
    }
    for (const index of table.indexes) {
      if (catalog.indexes.has(index.name)) continue;
      const opclass = index.vectorMethod ? ` ${VECTOR_OPCLASS[index.vectorMethod]}` : "";
      const cols = index.columns.map(
        (c, i) => `${quoteIdent(c)}${opclass}${index.order?.[i] === "DESC" ? " DESC" : ""}`,
      );
      const method = index.method === "BTREE" ? "" : ` USING ${index.method.toLowerCase()}`;
      out.push(
        `CREATE ${index.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${quoteIdent(index.name)} ON ${q(table.name)}${method} (${cols.join(", ")})`,
      );
    }
  }

  for (const view of model.tables.filter((t) => t.kind === "view" && t.viewSql !== undefined)) {
    out.push(`CREATE OR REPLACE VIEW ${q(view.name)} AS ${view.viewSql}`);
  }
  return out;
}

const VECTOR_OPCLASS = {
  L2: "vector_l2_ops",
  COSINE: "vector_cosine_ops",
  INNER_PRODUCT: "vector_ip_ops",
} as const;

function createTable(table: Table, name: string): string {
  const keyColumns = table.keyFields.map((f) => table.columns.find((c) => c.field === f)!.column);
  const lines = table.columns.map((c) => `  ${columnDefinition(c)}`);
  lines.push(`  PRIMARY KEY (${keyColumns.map(quoteIdent).join(", ")})`);
  return `CREATE TABLE ${name} (\n${lines.join(",\n")}\n)`;
}

function columnDefinition(column: Column): string {
  const def = defaultSql(column);
  return `${quoteIdent(column.column)} ${column.sqlType}${column.nonNull ? " NOT NULL" : ""}${def ? ` DEFAULT ${def}` : ""}`;
}

/** The database-side default of a column, where there is one (`auth.uid` is filled by the server only). */
export function defaultSql(column: Column): string | undefined {
  const d = column.default;
  if (!d) return undefined;
  if (d.kind === "sql") return d.sql;
  if (d.kind === "expr") {
    if (d.expr === "uuidV4()") return "gen_random_uuid()";
    if (d.expr === "request.time") return "now()";
    return undefined;
  }
  return valueLiteral(d.value, column.sqlType);
}

function valueLiteral(value: unknown, sqlType: string): string {
  if (value === null || value === undefined) return "NULL";
  if (sqlType === "jsonb") return `${literal(JSON.stringify(value))}::jsonb`;
  if (Array.isArray(value))
    return `ARRAY[${value.map((v) => valueLiteral(v, sqlType.replace(/\[\]$/, ""))).join(", ")}]::${sqlType}`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `${literal(String(value))}::${sqlType}`;
}

/** A Postgres string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const TYPE_ALIASES: Record<string, string> = {
  integer: "integer",
  int: "integer",
  int4: "integer",
  serial: "integer",
  bigint: "bigint",
  int8: "bigint",
  bigserial: "bigint",
  text: "text",
  varchar: "character varying",
  "character varying": "character varying",
  char: "character",
  bpchar: "character",
  character: "character",
  numeric: "numeric",
  decimal: "numeric",
  uuid: "uuid",
  "double precision": "double precision",
  float8: "double precision",
  boolean: "boolean",
  bool: "boolean",
  date: "date",
  timestamptz: "timestamp with time zone",
  "timestamp with time zone": "timestamp with time zone",
  jsonb: "jsonb",
};

/**
 * A type as Postgres spells it back (`format_type`): aliases resolved, the modifier kept, so that
 * `varchar(5000)` and `character varying(5000)` are one type (else every migration rewrote the column).
 */
function normalizeType(t: string): string {
  const trimmed = t
    .trim()
    .toLowerCase()
    .replaceAll('"', "")
    .replace(/\s*\(\s*/, "(")
    .replace(/\s*\)/, ")");
  const list = trimmed.endsWith("[]");
  const base = list ? trimmed.slice(0, -2) : trimmed;
  const [, bare = base, modifier = ""] = /^([^(]*?)(\(.*\))?$/.exec(base) ?? [];
  const name = TYPE_ALIASES[bare] ?? bare.replace(/^[a-z_]+\./, "");
  return `${name}${modifier.replaceAll(" ", "")}${list ? "[]" : ""}`;
}

function sameType(have: string, want: string): boolean {
  return normalizeType(have) === normalizeType(want);
}

function sameDefault(want: string, have: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/::[a-z ]+(\[\])?/g, "")
      .replaceAll(" ", "");
  return norm(want) === norm(have);
}

function samePrimaryKey(table: Table, columns: string[]): boolean {
  const key = table.keyFields.map((f) => table.columns.find((c) => c.field === f)?.column);
  return key.length === columns.length && key.every((k) => k !== undefined && columns.includes(k));
}
