// The session layer on every database the engine supports: embedded PGlite, firebase-tools' PGlite gateway
// (one Postgres session shared by all its connections: what `npm start` runs on) and a Postgres 15 server.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { openPglite } from "../../src/db/pglite.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { withDefaultUser } from "../../src/runtime/emulator.ts";
import { type PostgresGateway, startPostgresGateway } from "../protocol/support/postgres-gateway.ts";
import { createDatabase } from "../support/postgres-server.ts";

// One gateway for the file (each one boots its own PGlite).
let gateway: PostgresGateway | undefined;
const sharedGateway = async () => {
  gateway ??= await startPostgresGateway();
  return gateway;
};
afterAll(() => gateway?.stop());

interface Backend {
  name: string;
  open(): Promise<{ db: Database; url?: string; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: "embedded PGlite",
    async open() {
      const db = await openPglite();
      return { db, close: () => db.close() };
    },
  },
  {
    name: "firebase-tools' PGlite gateway",
    async open() {
      const { url } = await sharedGateway();
      const db = await openPostgres(withDefaultUser(url));
      return { db, url, close: () => db.close() };
    },
  },
  {
    name: "a Postgres 15 server",
    async open() {
      const url = await createDatabase(inject("postgresUrl"), "sessions");
      const db = await openPostgres(url);
      return { db, url, close: () => db.close() };
    },
  },
];

let tables = 0;
/** A fresh table `(x int)` for one test. */
async function freshTable(db: Database): Promise<string> {
  const name = `t_${++tables}_${Math.random().toString(36).slice(2, 8)}`;
  await db.exec(`CREATE TABLE ${name} (x int PRIMARY KEY)`);
  return name;
}

async function values(db: Database, table: string): Promise<number[]> {
  return (await db.query<{ x: number }>(`SELECT x FROM ${table} ORDER BY x`)).map((r) => r.x);
}

describe.each(BACKENDS)("sessions on $name", (backend) => {
  let opened: Awaited<ReturnType<Backend["open"]>>;
  let db: Database;

  beforeAll(async () => {
    opened = await backend.open();
    db = opened.db;
  });
  afterAll(() => opened?.close());

  it("never runs one operation's statement inside another operation's transaction", async () => {
    const table = await freshTable(db);
    let inserted!: () => void;
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    let abandon!: () => void;
    const abandoned = new Promise<void>((resolve) => (abandon = resolve));
    const first = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${table} VALUES (1)`);
      inserted();
      await abandoned;
      throw new Error("the first operation fails after its insert");
    });
    await firstInserted;
    const second = db.command(`INSERT INTO ${table} VALUES (2)`);
    abandon();
    await expect(first).rejects.toThrow("fails after its insert");
    await second;
    expect(await values(db, table)).toEqual([2]);
  });

  it("rolls a failed transaction back, and the next operation runs normally", async () => {
    const table = await freshTable(db);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (1)`);
        await tx.query(`INSERT INTO ${table} VALUES (1)`);
      }),
    ).rejects.toThrow(/duplicate key/);
    await db.command(`INSERT INTO ${table} VALUES (3)`);
    expect(await values(db, table)).toEqual([3]);
  });

  it("keeps the session usable after a failed statement outside a transaction", async () => {
    await expect(db.query("SELECT 1 / 0")).rejects.toThrow(/division by zero/);
    expect(await db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("answers the statements after one that fails to parse with their own results", async () => {
    await expect(db.query("SELECT x FROM no_such_table WHERE x = $1", ["a"])).rejects.toThrow(
      /does not exist/,
    );
    expect(await db.query("SELECT $1::int + 1 AS n", ["1"])).toEqual([{ n: 2 }]);
    expect(await db.query("SELECT 'second' AS s")).toEqual([{ s: "second" }]);
  });

  it("does not acknowledge a COMMIT that Postgres turned into a ROLLBACK", async () => {
    const table = await freshTable(db);
    const commit = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${table} VALUES (1)`);
      await tx.query("SELECT 1 / 0").catch(() => {}); // swallowed: the transaction is now aborted
    });
    await expect(commit).rejects.toMatchObject({ status: "ABORTED" });
    expect(await values(db, table)).toEqual([]);
    expect(await db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("fails an operation whose SQL ends its transaction, and hands the session on idle", async () => {
    const table = await freshTable(db);
    const ended = db.transaction(async (tx) => {
      await tx.query("ROLLBACK");
      await tx.query(`INSERT INTO ${table} VALUES (1)`);
    });
    await expect(ended).rejects.toMatchObject({ status: "FAILED_PRECONDITION" });
    await db.command(`INSERT INTO ${table} VALUES (2)`);
    expect(await values(db, table)).toEqual([2]);
  });

  it("undoes session settings that SQL from outside the engine changed before the next operation", async () => {
    const table = await freshTable(db);
    await db.session(async (session) => {
      session.markDirty();
      await session.exec("SET default_transaction_read_only = on; SET search_path TO nowhere");
    });
    await db.command(`INSERT INTO public.${table} VALUES (1)`);
    expect(await db.query("SHOW default_transaction_read_only")).toEqual([
      { default_transaction_read_only: "off" },
    ]);
    expect(await values(db, table)).toEqual([1]);
  });

  it("undoes settings changed inside a read-only transaction", async () => {
    await db.transaction(async (tx) => tx.query("SELECT set_config('TimeZone', 'Asia/Tokyo', false)"), {
      readOnly: true,
    });
    expect(await db.query("SHOW TimeZone")).toEqual([{ TimeZone: "UTC" }]);
  });

  it("runs a read-only query in a transaction of its own: writes refused, settings undone, session left idle", async () => {
    const table = await freshTable(db);
    const rows = await db.session((s) =>
      s.readOnlyQuery("SELECT current_setting('search_path') AS path, $1::int AS n", ["7"], {
        searchPath: ["public"],
      }),
    );
    expect(rows).toEqual([{ path: "public", n: 7 }]);
    await expect(
      db.session((s) =>
        s.readOnlyQuery(`WITH w AS (INSERT INTO ${table} VALUES (1) RETURNING x) SELECT * FROM w`, []),
      ),
    ).rejects.toThrow(/read-only transaction/);
    await db.session((s) => s.readOnlyQuery("SELECT set_config('TimeZone', 'Asia/Tokyo', false)", []));
    expect(await db.query("SHOW TimeZone")).toEqual([{ TimeZone: "UTC" }]);
    await db.command(`INSERT INTO ${table} VALUES (2)`);
    expect(await values(db, table)).toEqual([2]);
  });

  it("refuses a read-only transaction's writes", async () => {
    const table = await freshTable(db);
    await expect(
      db.transaction((tx) => tx.query(`INSERT INTO ${table} VALUES (1)`), { readOnly: true }),
    ).rejects.toThrow(/read-only transaction/);
    await db.command(`INSERT INTO ${table} VALUES (2)`);
    expect(await values(db, table)).toEqual([2]);
  });
});

describe("firebase-tools' PGlite gateway", () => {
  const client = async () => {
    const c = new pg.Client(withDefaultUser((await sharedGateway()).url));
    await c.connect();
    return c;
  };

  it("runs all its client connections in one Postgres session (the root cause of issue #10)", async () => {
    const [a, b] = [await client(), await client()];
    try {
      await a.query("CREATE TABLE shared_session_probe (x int)");
      await a.query("BEGIN");
      await b.query("INSERT INTO shared_session_probe VALUES (1)"); // b's "autocommit" write…
      await a.query("ROLLBACK"); // …is inside a's transaction, and gone with it
      expect((await b.query("SELECT count(*)::int AS n FROM shared_session_probe")).rows).toEqual([{ n: 0 }]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("is detected, and gets one session, while a server gets a pool", async () => {
    const shared = await openPostgres(withDefaultUser((await sharedGateway()).url));
    const server = await openPostgres(await createDatabase(inject("postgresUrl"), "pool"));
    try {
      expect(shared.maxSessions).toBe(1);
      expect(server.maxSessions).toBe(10);
    } finally {
      await Promise.all([shared.close(), server.close()]);
    }
  });

  it("rolls back a transaction another client left open, so the engine's write is really committed", async () => {
    const db = await openPostgres(withDefaultUser((await sharedGateway()).url));
    const other = await client();
    try {
      await db.exec("CREATE TABLE stray_probe (x int)");
      await other.query("BEGIN"); // e.g. someone in `firebase dataconnect:sql:shell`
      await db.command("INSERT INTO stray_probe VALUES (1)");
      await other.query("ROLLBACK"); // would have taken the engine's insert with it
      expect((await other.query("SELECT count(*)::int AS n FROM stray_probe")).rows).toEqual([{ n: 1 }]);
    } finally {
      await other.end();
      await db.close();
    }
  });
});

describe("a Postgres server", () => {
  it("cancels a statement that runs past the statement timeout while other sessions keep working", async () => {
    const db = await openPostgres(await createDatabase(inject("postgresUrl"), "timeout"), {
      statementTimeoutMs: 300,
    });
    try {
      const sleeper = db.query("SELECT pg_sleep(5)");
      expect(await db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      await expect(sleeper).rejects.toThrow(/statement timeout/);
    } finally {
      await db.close();
    }
  });
});
