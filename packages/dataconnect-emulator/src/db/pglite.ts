import { PGlite } from "@electric-sql/pglite";
import type { Connection, ConnectionSource } from "./connection.ts";
import type { Database } from "./database.ts";
import { captureSessionSettings, type SessionDatabaseOptions, sessionDatabase } from "./session.ts";

/**
 * Opens embedded Postgres (PGlite) persisted in `dataDir`, or in memory without one. PGlite is one
 * Postgres session, so operations take turns on it (one session; the others wait, with back-pressure).
 */
export async function openPglite(dataDir?: string, options: SessionDatabaseOptions = {}): Promise<Database> {
  const pg = await PGlite.create(dataDir ? { dataDir } : {});
  await pg.exec("SET TimeZone = 'UTC'");
  const connection: Connection & { sessionSettings: string } = {
    sessionSettings: "",
    async statement(sql, params) {
      const result = await pg.query(sql, params as unknown[]);
      return {
        rows: result.rows as never[],
        rowCount: result.affectedRows ?? 0,
        command: result.command ?? "",
      };
    },
    async script(sql) {
      return (await pg.exec(sql)).map((result) => ({ command: result.command ?? "" }));
    },
    inTransaction: () => pg.isInTransaction(),
  };
  connection.sessionSettings = await captureSessionSettings(connection);
  const source: ConnectionSource = {
    description: `pglite (${dataDir ?? "memory"})`,
    maxConnections: 1,
    acquire: async () => connection,
    // The only connection cannot be replaced; the session already tried to roll it back.
    release: () => {},
    close: () => pg.close(),
  };
  return sessionDatabase(source, options);
}
