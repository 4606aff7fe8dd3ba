// Sessions over connections: the transaction protocol every database mode shares. One operation holds a
// session at a time; every transaction is opened, checked and ended here, and a session is only handed
// on idle and clean — which is what keeps operations from seeing each other's transactions, also on
// servers where every connection shares one Postgres session (firebase-tools' PGlite gateway).
import { RequestError } from "../errors.ts";
import { quoteIdent } from "../schema/model.ts";
import type { Connection, ConnectionSource, StatementResult } from "./connection.ts";
import type { Database, Queryable, Session, TransactionOptions } from "./database.ts";
import { DEFAULT_GATE_LIMITS, Gate, type GateLimits } from "./gate.ts";
import { literal } from "./inline-parameters.ts";

/**
 * Puts a session's state back as a new session has it, in one round trip: what SQL the engine did not
 * write (native `_execute`, migrations' `sql/*.sql`) may have changed for the whole session. `RESET ALL`
 * returns every setting to its value at connection time (startup options included).
 */
export const RESET_SESSION_SQL =
  "SET SESSION AUTHORIZATION DEFAULT; RESET ALL; SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; DEALLOCATE ALL; DISCARD TEMP; DISCARD SEQUENCES";

/**
 * The settings made by SET in this session so far (source `session`), as one statement that makes them
 * again: what a reset must restore besides `RESET ALL` (on PGlite, `RESET ALL` would even drop
 * `public` from the search path). Empty when there are none.
 */
export async function captureSessionSettings(connection: Pick<Connection, "statement">): Promise<string> {
  const { rows } = await connection.statement<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE source = 'session' AND context IN ('user', 'superuser') ORDER BY name",
    [],
  );
  if (rows.length === 0) return "";
  return `SELECT ${rows.map((r) => `set_config(${literal(r.name)}, ${literal(r.setting)}, false)`).join(", ")}`;
}

/** How sessions talk to their connections. */
export interface SessionOptions {
  /**
   * `"batched"` (default): `BEGIN` carries the transaction's mode, and its `SET LOCAL`s go in the same
   * round trip. `"separate"`: the engine's old sequence (`BEGIN`, then the settings, and `COMMIT` for
   * read-only transactions), kept only so that `bench/` can show the difference.
   */
  transactionStatements?: "batched" | "separate";
}

/** One connection held by one operation: statements, transactions, and the checks between them. */
export class ConnectionSession implements Session {
  readonly #connection: Connection;
  readonly #options: SessionOptions;
  /** Whether this session opened a transaction that is not ended yet. */
  #inTransaction = false;
  #dirty = false;
  /** Cleanup failed: the connection's state is unknown, so it must not be reused. */
  #broken = false;

  constructor(connection: Connection, options: SessionOptions = {}) {
    this.#connection = connection;
    this.#options = options;
  }

  async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.#checked(() => this.#connection.statement<Row>(sql, params))).rows;
  }

  async command<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<{ rows: Row[]; rowCount: number }> {
    const result = await this.#checked(() => this.#connection.statement<Row>(sql, params));
    return { rows: result.rows, rowCount: result.rowCount };
  }

  async exec(sql: string): Promise<void> {
    await this.#checked(() => this.#connection.script(sql));
  }

  markDirty(): void {
    this.#dirty = true;
  }

  async readOnlyQuery<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[],
    options: Omit<TransactionOptions, "readOnly"> = {},
  ): Promise<Row[]> {
    const connection = this.#connection;
    if (
      !connection.statementBetween ||
      this.#inTransaction ||
      this.#options.transactionStatements === "separate"
    ) {
      return this.transaction((tx) => tx.query<Row>(sql, params), { ...options, readOnly: true });
    }
    if (connection.inTransaction()) await this.#rollback();
    const begin = ["BEGIN READ ONLY", ...transactionSettings(options, false)];
    let result: StatementResult<Row>;
    try {
      result = await connection.statementBetween<Row>(begin, sql, params, ["ROLLBACK"]);
    } catch (error) {
      // The script stopped at the failure, inside its transaction.
      if (this.#connection.inTransaction()) await this.#rollback();
      throw error;
    }
    if (this.#connection.inTransaction()) {
      await this.#rollback();
      throw new RequestError(
        "ABORTED",
        "a read-only statement left its transaction open; it was rolled back",
      );
    }
    return result.rows;
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.#inTransaction) throw new Error("a transaction is already open on this session");
    if (this.#connection.inTransaction()) await this.#rollback();
    const separate = this.#options.transactionStatements === "separate";
    const settings = transactionSettings(options, separate);
    this.#inTransaction = true;
    try {
      if (separate) {
        await this.exec("BEGIN");
        if (settings.length) await this.exec(settings.join("; "));
      } else {
        await this.exec([`BEGIN ${options.readOnly ? "READ ONLY" : "READ WRITE"}`, ...settings].join("; "));
      }
    } catch (error) {
      await this.#rollback();
      throw error;
    }
    let result: T;
    try {
      result = await fn(this);
    } catch (error) {
      await this.#rollback();
      throw error;
    }
    if (options.readOnly && !separate) {
      // Nothing to commit; ROLLBACK also undoes session-level settings changed inside (set_config…).
      await this.#end("ROLLBACK");
      return result;
    }
    // A session made dirty inside is reset in the same round trip as the COMMIT.
    const reset = this.#dirty ? `; ${this.#resetSql()}` : "";
    const [commit] = await this.#end(`COMMIT${reset}`);
    if (reset) this.#dirty = false;
    if (commit?.command !== "COMMIT") {
      throw new RequestError(
        "ABORTED",
        "the transaction was rolled back by the database instead of committed",
      );
    }
    return result;
  }

  /** Before an operation: a transaction the connection is known to be in (left by a crash) is rolled back. */
  async start(): Promise<void> {
    if (this.#connection.inTransaction()) await this.#rollback();
  }

  /**
   * After an operation: rolls back whatever is still open and undoes session-level changes, so the next
   * operation gets the session idle and clean. Resolves with whether that worked (else the connection
   * must be closed, not reused).
   */
  async finish(): Promise<boolean> {
    if (this.#inTransaction || this.#connection.inTransaction()) await this.#rollback();
    if (this.#dirty && !this.#broken) {
      try {
        await this.#connection.script(this.#resetSql());
        this.#dirty = false;
      } catch {
        this.#broken = true;
      }
    }
    return !this.#broken && !this.#connection.inTransaction();
  }

  #resetSql(): string {
    const settings = this.#connection.sessionSettings;
    return settings ? `${RESET_SESSION_SQL}; ${settings}` : RESET_SESSION_SQL;
  }

  /**
   * Sends one request and checks that it left the connection's transaction state where this session
   * expects it. A statement that ends the session's transaction (native SQL's COMMIT or ROLLBACK) fails
   * the operation. A statement outside a transaction that ends inside one ran in a transaction it did not
   * open — on a single-session server, one another client left open — so nothing it did is committed: the
   * stray transaction is rolled back and the statement sent once more.
   */
  async #checked<T>(send: () => Promise<T>, retried = false): Promise<T> {
    let result: T;
    try {
      result = await send();
    } catch (error) {
      if (!this.#inTransaction && this.#connection.inTransaction() && !retried) {
        await this.#rollback();
        if (this.#broken) throw error;
        return this.#checked(send, true);
      }
      throw error;
    }
    const open = this.#connection.inTransaction();
    if (open === this.#inTransaction) return result;
    if (this.#inTransaction) {
      this.#inTransaction = false;
      throw new RequestError(
        "FAILED_PRECONDITION",
        "a statement ended the operation's transaction (native SQL may not COMMIT or ROLLBACK); the operation stopped there",
      );
    }
    await this.#rollback();
    if (!retried && !this.#broken) return this.#checked(send, true);
    throw new RequestError(
      "ABORTED",
      "the statement ran inside a transaction it did not open and was rolled back (native SQL may not BEGIN a transaction)",
    );
  }

  /** Ends the session's transaction with `sql`; the connection must be idle afterwards. */
  async #end(sql: string): Promise<{ command: string }[]> {
    this.#inTransaction = false;
    let results: { command: string }[];
    try {
      results = await this.#connection.script(sql);
    } catch (error) {
      // COMMIT itself failed (a deferred constraint, a lost connection): nothing was committed.
      if (this.#connection.inTransaction()) await this.#rollback();
      throw error;
    }
    if (this.#connection.inTransaction()) {
      await this.#rollback();
      throw new RequestError("ABORTED", `the transaction did not end with ${sql.split(";")[0]}`);
    }
    return results;
  }

  /** ROLLBACK whatever is open; a connection that cannot even do that is marked broken. */
  async #rollback(): Promise<void> {
    this.#inTransaction = false;
    try {
      await this.#connection.script("ROLLBACK");
    } catch {
      this.#broken = true;
    }
    if (this.#connection.inTransaction()) this.#broken = true;
  }
}

function transactionSettings(options: TransactionOptions, separate: boolean): string[] {
  const settings: string[] = [];
  if (separate && options.readOnly) settings.push("SET TRANSACTION READ ONLY");
  if (options.searchPath?.length) {
    settings.push(`SET LOCAL search_path TO ${options.searchPath.map(quoteIdent).join(", ")}`);
  }
  if (options.statementTimeoutMs !== undefined) {
    settings.push(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(options.statementTimeoutMs))}`);
  }
  return settings;
}

/** Options of a database built over a connection source. */
export interface SessionDatabaseOptions extends SessionOptions {
  /** Back-pressure: how many operations may wait for a session, and for how long. */
  limits?: Partial<Omit<GateLimits, "slots">>;
}

/** A Database whose every operation runs on a session of its own, with bounded waiting for one. */
export function sessionDatabase(source: ConnectionSource, options: SessionDatabaseOptions = {}): Database {
  const gate = new Gate({ slots: source.maxConnections, ...DEFAULT_GATE_LIMITS, ...options.limits });
  const database: Database = {
    description: source.description,
    maxSessions: source.maxConnections,
    async session(fn) {
      const leave = await gate.enter();
      let connection: Connection;
      try {
        connection = await source.acquire();
      } catch (error) {
        leave();
        throw error;
      }
      const session = new ConnectionSession(connection, options);
      try {
        await session.start();
        return await fn(session);
      } finally {
        const healthy = await session.finish();
        source.release(connection, healthy);
        leave();
      }
    },
    transaction: (fn, transactionOptions) =>
      database.session((session) => session.transaction(fn, transactionOptions)),
    query: (sql, params) => database.session((session) => session.query(sql, params)),
    command: (sql, params) => database.session((session) => session.command(sql, params)),
    exec: (sql) =>
      database.session(async (session) => {
        // Raw scripts from outside the engine (tests, tools) may change session settings.
        session.markDirty();
        await session.exec(sql);
      }),
    async close() {
      gate.close(`the database ${source.description} is closed`);
      await source.close();
    },
  };
  return database;
}
