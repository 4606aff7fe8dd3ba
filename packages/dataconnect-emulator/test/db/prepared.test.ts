// Prepared statements on a Postgres server: a statement a connection sends again is prepared once and
// its plan may be reused; whatever drops prepared statements (the session reset, native SQL) never
// leaves the engine sending a name the server no longer knows; and a connection keeps a bounded number.
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { openPostgres, PREPARED_PER_CONNECTION } from "../../src/db/postgres.ts";
import { createDatabase } from "../support/postgres-server.ts";

let db: Database | undefined;
afterEach(() => db?.close());

/** One connection, so that pg_prepared_statements (per session) shows what the engine prepared. */
async function oneConnection(): Promise<Database> {
  db = await openPostgres(await createDatabase(inject("postgresUrl"), "prepared"), { maxConnections: 1 });
  return db;
}

const prepared = async (d: Database, like: string) =>
  (
    await d.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%' || $1 || '%' AND name LIKE 'rookery_%'`,
      [like],
    )
  )[0]!.n;

describe("prepared statements on a server", () => {
  it("prepares a statement the second time a connection sends it, and answers the same every time", async () => {
    const d = await oneConnection();
    const sql = "SELECT $1::int + 1 AS v /* twice */";
    expect(await d.query(sql, [1])).toEqual([{ v: 2 }]);
    expect(await prepared(d, "/* twice */")).toBe(0);
    expect(await d.query(sql, [2])).toEqual([{ v: 3 }]);
    expect(await d.query(sql, [3])).toEqual([{ v: 4 }]);
    expect(await prepared(d, "/* twice */")).toBe(1);
  });

  it("keeps working after the session reset drops every prepared statement", async () => {
    const d = await oneConnection();
    const sql = "SELECT $1::text AS v /* reset */";
    await d.query(sql, ["a"]);
    await d.query(sql, ["b"]);
    expect(await prepared(d, "/* reset */")).toBe(1);
    // Native _execute marks the session dirty; handing it on resets it (DEALLOCATE ALL among others).
    await d.session(async (s) => s.markDirty());
    expect(await prepared(d, "/* reset */")).toBe(0);
    expect(await d.query(sql, ["c"])).toEqual([{ v: "c" }]);
    expect(await d.query(sql, ["d"])).toEqual([{ v: "d" }]);
  });

  it("keeps working after native SQL deallocates, named or hidden from it", async () => {
    const d = await oneConnection();
    const sql = "SELECT $1::int * 2 AS v /* native */";
    await d.query(sql, [1]);
    await d.query(sql, [1]);
    await d.query("DEALLOCATE ALL");
    expect(await d.query(sql, [2])).toEqual([{ v: 4 }]);
    await d.query(sql, [2]);
    // SQL that drops them without saying so: the next use fails with "does not exist" and is sent again.
    await d.query(`DO $$ BEGIN EXECUTE 'DEALL' || 'OCATE ALL'; END $$`);
    expect(await d.query(sql, [3])).toEqual([{ v: 6 }]);
    expect(await d.query(sql, [4])).toEqual([{ v: 8 }]);
  });

  it(`keeps at most ${PREPARED_PER_CONNECTION} prepared statements per connection`, async () => {
    const d = await oneConnection();
    for (let k = 0; k < PREPARED_PER_CONNECTION + 20; k++)
      for (let twice = 0; twice < 2; twice++)
        expect(await d.query(`SELECT ${k} + $1::int AS v /* cap */`, [1])).toEqual([{ v: k + 1 }]);
    expect(await prepared(d, "/* cap */")).toBe(PREPARED_PER_CONNECTION);
  });
});

describe("read-only statements in one round trip on a server", () => {
  /** A read-only statement as a native `_select` runs: its own transaction, with a search path. */
  const readOnly = (d: Database, sql: string, params: unknown[], searchPath = ["public"]) =>
    d.session((s) => s.readOnlyQuery(sql, params, { searchPath }));

  it("prepares a read-only statement sent again with SQL's PREPARE and answers the same every time", async () => {
    const d = await oneConnection();
    const sql = "SELECT $1::int + $2::int AS v, $3::text AS t /* read-only */";
    for (let k = 0; k < 4; k++)
      expect(await readOnly(d, sql, [k, 1, k % 2 ? null : "it's"])).toEqual([
        { v: k + 1, t: k % 2 ? null : "it's" },
      ]);
    expect(await prepared(d, "/* read-only */")).toBe(1);
  });

  it("resolves names in the operation's search path, not the connection's", async () => {
    const d = await oneConnection();
    await d.exec(
      "CREATE SCHEMA IF NOT EXISTS svc; CREATE TABLE IF NOT EXISTS svc.only_here (v int); INSERT INTO svc.only_here VALUES (7)",
    );
    for (let k = 0; k < 3; k++)
      expect(await readOnly(d, "SELECT v + $1::int AS v FROM only_here", [k], ["svc", "public"])).toEqual([
        { v: 7 + k },
      ]);
  });

  it("stays read-only, also once prepared", async () => {
    const d = await oneConnection();
    await d.exec("CREATE TABLE IF NOT EXISTS ro_target (v int)");
    const write = "WITH w AS (INSERT INTO ro_target VALUES ($1::int) RETURNING v) SELECT v FROM w";
    for (let k = 0; k < 3; k++)
      await expect(readOnly(d, write, [k])).rejects.toMatchObject({ code: "25006" });
    expect(await d.query("SELECT count(*)::int AS n FROM ro_target")).toEqual([{ n: 0 }]);
  });

  it("leaves no prepared statement behind for a statement that keeps failing", async () => {
    const d = await oneConnection();
    for (let k = 0; k < 5; k++)
      await expect(readOnly(d, "SELECT 1 / $1::int AS v /* failing */", [0])).rejects.toMatchObject({
        code: "22012",
      });
    expect(await prepared(d, "/* failing */")).toBe(0);
    expect(await readOnly(d, "SELECT 1 / $1::int AS v /* failing */", [1])).toEqual([{ v: 1 }]);
  });

  it("keeps working after SQL it did not see dropped its prepared statements", async () => {
    const d = await oneConnection();
    const sql = "SELECT $1::int * 3 AS v /* dropped */";
    await readOnly(d, sql, [1]);
    await readOnly(d, sql, [1]);
    await d.query(`DO $$ BEGIN EXECUTE 'DEALL' || 'OCATE ALL'; END $$`);
    expect(await readOnly(d, sql, [2])).toEqual([{ v: 6 }]);
    expect(await readOnly(d, sql, [3])).toEqual([{ v: 9 }]);
  });
});
