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
