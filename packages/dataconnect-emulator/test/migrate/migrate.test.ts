import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { compileProject, migrate } from "../../src/engine/project.ts";
import { readCatalog } from "../../src/migrate/catalog.ts";
import { planMigration } from "../../src/migrate/planMigration.ts";
import { sharedDatabase } from "../support/engine.ts";

let n = 0;
function project(pgSchema: string, schema: string, sqlFiles: { path: string; text: string }[] = []) {
  const result = compileProject({
    serviceId: "s",
    pgSchema,
    schemaFiles: [{ path: "schema.gql", text: schema }],
    connectors: [],
    sqlFiles,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.project;
}

async function fresh(): Promise<{ db: Database; s: string }> {
  n += 1;
  return { db: await sharedDatabase(), s: `mig_${n}_${Date.now()}` };
}

describe("planMigration for Vector columns", () => {
  it("enables pgvector and indexes with the operator class of the declared distance", () => {
    const p = project(
      "vec",
      `type Doc @table { embedding: Vector @col(size: 3) @index(vector_method: COSINE) }`,
    );
    const empty = {
      tables: new Map(),
      enums: new Map(),
      constraints: new Set<string>(),
      indexes: new Set<string>(),
    };
    const ddl = planMigration(p.model, empty);
    expect(ddl).toContain("CREATE EXTENSION IF NOT EXISTS vector");
    expect(ddl.find((s) => s.includes("CREATE TABLE"))).toContain('"embedding" vector(3)');
    expect(ddl).toContain(
      'CREATE INDEX IF NOT EXISTS "doc_embedding_idx" ON "vec"."doc" USING hnsw ("embedding" vector_cosine_ops)',
    );
  });
});

describe("migrate", () => {
  it("creates tables with primary keys, FKs, unique and plain indexes under their documented names", async () => {
    const { db, s } = await fresh();
    await migrate(
      db,
      project(
        s,
        `
      type User @table(key: "uid") { uid: String! handle: String! @unique }
      type Post @table { author: User! body: String! createdAt: Timestamp! @default(expr: "request.time") @index }`,
      ),
    );
    const constraints = await db.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE nspname = $1 AND contype IN ('p', 'f', 'u') ORDER BY conname`,
      [s],
    );
    expect(constraints.map((c) => c.conname)).toEqual(["post_author_uid_fkey", "post_pkey", "user_pkey"]);
    const indexes = await db.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
      [s],
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      "post_created_at_idx",
      "post_pkey",
      "user_handle_uidx",
      "user_pkey",
    ]);
  });

  it("fills defaults in the database: uuidV4() ids and request.time timestamps", async () => {
    const { db, s } = await fresh();
    await migrate(
      db,
      project(
        s,
        `type Note @table { body: String! at: Timestamp! @default(expr: "request.time") n: Int! @default(value: 7) }`,
      ),
    );
    const [row] = await db.query<{ id: string; at: Date | string; n: number }>(
      `INSERT INTO "${s}".note (body) VALUES ('x') RETURNING id, at, n`,
    );
    expect(row!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row!.n).toBe(7);
    expect(row!.at).toBeTruthy();
  });

  it("is idempotent: migrating twice changes nothing and keeps rows", async () => {
    const { db, s } = await fresh();
    const p = project(
      s,
      `enum Mood { HAPPY SAD } type Note @table { body: String! mood: Mood tags: [String!] @index }`,
    );
    await migrate(db, p);
    await db.query(`INSERT INTO "${s}".note (body, mood) VALUES ('kept', 'SAD')`);
    await migrate(db, p);
    expect(await db.query(`SELECT body, mood FROM "${s}".note`)).toEqual([{ body: "kept", mood: "SAD" }]);
  });

  it("plans nothing for columns whose declared SQL type Postgres spells another way (varchar(n), numeric(p,s))", async () => {
    const { db, s } = await fresh();
    const p = project(
      s,
      `type Note @table { body: String! @col(dataType: "varchar(5000)") price: Float @col(dataType: "numeric(10, 2)") }`,
    );
    await migrate(db, p);
    // Read back as "character varying(5000)" and "numeric(10,2)": the same types, so no ALTER (on a big
    // table each one rewrote it and rebuilt its indexes at every start).
    expect(
      planMigration(p.model, await readCatalog(db, s)).filter((sql) => /ALTER COLUMN/.test(sql)),
    ).toEqual([]);
  });

  it("adds new columns and enum values to existing tables without losing rows", async () => {
    const { db, s } = await fresh();
    await migrate(db, project(s, `enum Mood { HAPPY } type Note @table { body: String! mood: Mood }`));
    await db.query(`INSERT INTO "${s}".note (body, mood) VALUES ('kept', 'HAPPY')`);
    await migrate(
      db,
      project(
        s,
        `enum Mood { HAPPY SAD } type Note @table { body: String! mood: Mood pinned: Boolean! @default(value: false) }`,
      ),
    );
    await db.query(`INSERT INTO "${s}".note (body, mood) VALUES ('new', 'SAD')`);
    expect(await db.query(`SELECT body, mood, pinned FROM "${s}".note ORDER BY body`)).toEqual([
      { body: "kept", mood: "HAPPY", pinned: false },
      { body: "new", mood: "SAD", pinned: false },
    ]);
  });

  it("keeps the data of a removed field but stops requiring it", async () => {
    const { db, s } = await fresh();
    await migrate(db, project(s, `type Note @table { body: String! legacy: String! }`));
    await db.query(`INSERT INTO "${s}".note (body, legacy) VALUES ('a', 'old')`);
    await migrate(db, project(s, `type Note @table { body: String! }`));
    await db.query(`INSERT INTO "${s}".note (body) VALUES ('b')`);
    expect(await db.query(`SELECT body, legacy FROM "${s}".note ORDER BY body`)).toEqual([
      { body: "a", legacy: "old" },
      { body: "b", legacy: null },
    ]);
  });

  it("changes a column's type in place where the values convert", async () => {
    const { db, s } = await fresh();
    await migrate(db, project(s, `type Note @table { n: Int }`));
    await db.query(`INSERT INTO "${s}".note (n) VALUES (41)`);
    await migrate(db, project(s, `type Note @table { n: Int64 }`));
    expect(await db.query(`SELECT n::text AS n FROM "${s}".note`)).toEqual([{ n: "41" }]);
  });

  it("applies sql/*.sql in file-name order after the schema, on every migration", async () => {
    const { db, s } = await fresh();
    const files = [
      {
        path: "sql/020_view.sql",
        text: `CREATE OR REPLACE VIEW "${s}".recent AS SELECT body FROM "${s}".note WHERE pinned`,
      },
      {
        path: "sql/010_partial.sql",
        text: `CREATE INDEX IF NOT EXISTS note_pinned_idx ON "${s}".note (body) WHERE pinned`,
      },
    ];
    const p = project(s, `type Note @table { body: String! pinned: Boolean! }`, files);
    await migrate(db, p);
    await migrate(db, p);
    const [index] = await db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'note_pinned_idx'`,
      [s],
    );
    expect(index!.indexdef).toMatch(/WHERE pinned/);
  });

  it("rolls a failed migration back whole and says which statement failed", async () => {
    const { db, s } = await fresh();
    await migrate(db, project(s, `type Note @table { body: String }`));
    await db.query(`INSERT INTO "${s}".note (body) VALUES ('not a number')`);
    await expect(migrate(db, project(s, `type Note @table { body: Int extra: String }`))).rejects.toThrow(
      /failed to migrate schema: .*\n {2}while running: ALTER TABLE/,
    );
    const columns = await db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1`,
      [s],
    );
    expect(columns).toEqual([{ column_name: "body" }, { column_name: "id" }]);
  });
});
