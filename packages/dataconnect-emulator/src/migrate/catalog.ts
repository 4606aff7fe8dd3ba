import type { Queryable } from "../db/database.ts";

/** What already exists in the database's schema, as far as migrations care. */
export interface Catalog {
  /** table name → column name → column facts. */
  tables: Map<string, Map<string, { sqlType: string; nonNull: boolean; default: string | null }>>;
  enums: Map<string, string[]>;
  constraints: Set<string>;
  indexes: Set<string>;
}

/** Reads the catalog of one Postgres schema. */
export async function readCatalog(db: Queryable, pgSchema: string): Promise<Catalog> {
  const columns = await db.query<{
    table_name: string;
    column_name: string;
    type: string;
    not_null: boolean;
    def: string | null;
  }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind = 'r'
      ORDER BY c.relname, a.attnum`,
    [pgSchema],
  );
  const tables: Catalog["tables"] = new Map();
  for (const row of columns) {
    let table = tables.get(row.table_name);
    if (!table) {
      table = new Map();
      tables.set(row.table_name, table);
    }
    table.set(row.column_name, { sqlType: row.type, nonNull: row.not_null, default: row.def });
  }
  const enumRows = await db.query<{ name: string; label: string }>(
    `SELECT t.typname AS name, e.enumlabel AS label
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`,
    [pgSchema],
  );
  const enums: Catalog["enums"] = new Map();
  for (const row of enumRows) enums.set(row.name, [...(enums.get(row.name) ?? []), row.label]);
  const constraints = await db.query<{ conname: string }>(
    `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1`,
    [pgSchema],
  );
  const indexes = await db.query<{ indexname: string }>(
    `SELECT indexname FROM pg_indexes WHERE schemaname = $1`,
    [pgSchema],
  );
  return {
    tables,
    enums,
    constraints: new Set(constraints.map((r) => r.conname)),
    indexes: new Set(indexes.map((r) => r.indexname)),
  };
}
