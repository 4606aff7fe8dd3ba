import pg from "pg";
import type { Database, Queryable } from "./database.ts";

// Return dates and timestamps as Postgres prints them; the engine formats them for the wire itself.
const RAW_TYPES = [1082, 1114, 1184, 1083, 1266];
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (RAW_TYPES.includes(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Connects to a Postgres server by URL (`postgres://user:pass@host:port/db`), with a connection pool. */
export async function openPostgres(
  connectionString: string,
  options: { database?: string } = {},
): Promise<Database> {
  const url = new URL(connectionString);
  if (options.database) url.pathname = `/${options.database}`;
  const pool = new pg.Pool({
    connectionString: url.toString(),
    types,
    options: "-c TimeZone=UTC",
    max: 16,
  });
  // An idle client dropped by the server (e.g. firebase-tools stopping its PGlite gateway) must not
  // become an uncaught exception; the pool replaces it on the next query.
  pool.on("error", () => {});
  // Fail now, with the server's own message, rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, params as unknown[]);
      return result.rows as Row[];
    },
    async command<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  return {
    ...wrap(pool),
    description: redact(url),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function redact(url: URL): string {
  const copy = new URL(url);
  if (copy.password) copy.password = "***";
  return copy.toString();
}
