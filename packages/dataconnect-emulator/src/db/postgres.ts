import { randomUUID } from "node:crypto";
import pg from "pg";
import { RequestError } from "../errors.ts";
import type { Connection, ConnectionSource, StatementResult } from "./connection.ts";
import type { Database } from "./database.ts";
import { inlineParameters, literal } from "./inline-parameters.ts";
import { captureSessionSettings, type SessionDatabaseOptions, sessionDatabase } from "./session.ts";

// Return dates and timestamps as Postgres prints them; the engine formats them for the wire itself.
const RAW_TYPES = [1082, 1114, 1184, 1083, 1266];
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (RAW_TYPES.includes(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Sessions a server gets at most by default (a local Postgres allows 100 connections). */
export const DEFAULT_MAX_CONNECTIONS = 10;
/** How long one statement may run on a server before Postgres cancels it (PGlite cannot: see the README). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
// A server whose startup options are ignored (firebase-tools' gateway) gets them as a statement.
const SESSION_SETTINGS = "SET TimeZone = 'UTC'";

/** How to connect. */
export interface PostgresOptions extends SessionDatabaseOptions {
  /** Replaces the URL's database. */
  database?: string;
  /** Connections at most (default 10); a single-session server always gets 1. */
  maxConnections?: number;
  /** `statement_timeout` of every session, in ms (default 15 s; 0 = none). */
  statementTimeoutMs?: number;
  /**
   * How statements carry their parameters: `"bound"` (extended protocol) or `"inline"` (simple protocol,
   * literals in the text; see inline-parameters.ts). Default: inline for PGlite behind a wire gateway.
   */
  parameters?: "bound" | "inline";
}

/**
 * Connects to a Postgres server by URL (`postgres://user:pass@host:port/db`) with a bounded pool. A server
 * that runs every connection in one shared session (firebase-tools' PGlite gateway) is detected and
 * gets one connection, so that operations take turns instead of running inside each other's transactions.
 */
export async function openPostgres(
  connectionString: string,
  options: PostgresOptions = {},
): Promise<Database> {
  const url = new URL(connectionString);
  if (options.database) url.pathname = `/${options.database}`;
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const config: pg.ClientConfig = {
    connectionString: url.toString(),
    types,
    options: `-c TimeZone=UTC -c statement_timeout=${statementTimeoutMs}`,
    connectionTimeoutMillis: 10_000,
  };
  // Fail now, with the server's own message, rather than on the first request.
  const server = await probeServer(config);
  const singleSession = server.sharesOneSession;
  const parameters = options.parameters ?? (server.isPglite ? "inline" : "bound");
  const maxConnections = singleSession ? 1 : Math.max(1, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
  const pool = new pg.Pool({ ...config, max: maxConnections, idleTimeoutMillis: 30_000 });
  // An idle client dropped by the server (e.g. firebase-tools stopping its gateway) must not become an
  // uncaught exception; the pool replaces it on the next acquire.
  pool.on("error", () => {});
  const description = redact(url);
  const connections = new WeakMap<pg.PoolClient, PgConnection>();
  const source: ConnectionSource = {
    description,
    maxConnections,
    async acquire() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new RequestError("UNAVAILABLE", `cannot reach Postgres at ${description}: ${messageOf(error)}`);
      }
      let connection = connections.get(client);
      if (!connection) {
        connection = new PgConnection(client, parameters);
        try {
          // The shared session outlives our connections: a predecessor may have left a transaction open.
          if (singleSession) await connection.script(`ROLLBACK; ${SESSION_SETTINGS}`);
          connection.sessionSettings = await captureSessionSettings(connection);
        } catch (error) {
          client.release(true);
          throw new RequestError(
            "UNAVAILABLE",
            `cannot prepare a session on ${description}: ${messageOf(error)}`,
          );
        }
        connections.set(client, connection);
      }
      return connection;
    },
    release(connection, healthy) {
      const { client, broken } = connection as PgConnection;
      client.release(healthy && !broken ? undefined : true);
    },
    close: () => pool.end(),
  };
  return sessionDatabase(source, options);
}

/**
 * Statements one connection keeps prepared at most. A statement text gets a prepared statement (a name)
 * the second time the connection sends it, so the engine's operations — a bounded set of texts — are
 * parsed once per connection and Postgres may reuse their plan (plan_cache_mode auto: five custom plans,
 * then the generic one when it is not costlier). Planning HomeFeed took longer than running it for most
 * viewers (bench/scale). Past the cap, new texts (ad-hoc admin GraphQL) run unnamed, as before.
 */
export const PREPARED_PER_CONNECTION = 200;
/** Statement texts remembered as "sent once" before the set is cleared. */
const SEEN_ONCE = 2000;
/** SQL that drops prepared statements: after it, the connection's names are forgotten. */
const DROPS_PREPARED = /\b(deallocate|discard)\b/i;

/** A pooled `pg` client, with the transaction status Postgres reports after every statement. */
class PgConnection implements Connection {
  readonly client: pg.PoolClient;
  readonly #parameters: "bound" | "inline";
  /** Statement text → its prepared statement's name on this connection. */
  readonly #prepared = new Map<string, string>();
  /** Statement text → its SQL-level prepared statement (PREPARE), run by EXECUTE inside scripts. */
  readonly #preparedBySql = new Map<string, string>();
  readonly #seenOnce = new Set<string>();
  static #names = 0;
  /** `I` idle, `T` in a transaction block, `E` in a failed one (ReadyForQuery). */
  #status = "I";
  /** The connection reported an error outside any query: it is closed on release. */
  broken = false;
  sessionSettings = "";

  constructor(client: pg.PoolClient, parameters: "bound" | "inline") {
    this.client = client;
    this.#parameters = parameters;
    this.statementBetween = <Row>(
      before: readonly string[],
      sql: string,
      params: readonly unknown[],
      after: readonly string[],
    ) => this.#between<Row>(before, sql, params, after);
    // While we hold it, the pool listens no more: an error here must not become an uncaught exception.
    client.on("error", () => {
      this.broken = true;
    });
    (client as unknown as { connection: NodeJS.EventEmitter }).connection.on(
      "readyForQuery",
      (message: { status?: string }) => {
        if (message.status) this.#status = message.status;
      },
    );
  }

  async statement<Row>(sql: string, params: readonly unknown[]): Promise<StatementResult<Row>> {
    if (this.#parameters === "inline") {
      const result = (await this.client.query(inlineParameters(sql, params))) as pg.QueryResult;
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0, command: result.command };
    }
    // Extended protocol always, also without parameters: exactly one statement, never a script.
    const name = this.#nameFor(sql);
    let result: pg.QueryResult;
    try {
      result = await this.client.query({
        text: sql,
        values: params as unknown[],
        queryMode: "extended",
        ...(name && { name }),
      } as pg.QueryConfig);
    } catch (error) {
      // Our prepared statement is gone (SQL we did not see dropped it): forget the names, and outside a
      // transaction send the statement once more, unnamed. Inside one, the failure stands (it is aborted).
      if (!name || (error as { code?: string }).code !== "26000") throw error;
      this.forgetPrepared();
      if (this.inTransaction()) throw error;
      return this.statement<Row>(sql, params);
    }
    if (DROPS_PREPARED.test(sql)) this.forgetPrepared();
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0, command: result.command };
  }

  /** The prepared statement's name for `sql`: one the second time it is sent, while under the cap. */
  #nameFor(sql: string): string | undefined {
    const known = this.#prepared.get(sql);
    if (known) return known;
    if (!this.#secondSighting(sql)) return undefined;
    const name = `rookery_${++PgConnection.#names}`;
    this.#prepared.set(sql, name);
    return name;
  }

  /** Whether `key` was seen once before (and the connection is under its cap of prepared statements). */
  #secondSighting(key: string): boolean {
    if (this.#prepared.size + this.#preparedBySql.size >= PREPARED_PER_CONNECTION) return false;
    if (!this.#seenOnce.has(key)) {
      if (this.#seenOnce.size >= SEEN_ONCE) this.#seenOnce.clear();
      this.#seenOnce.add(key);
      return false;
    }
    this.#seenOnce.delete(key);
    return true;
  }

  /**
   * `before`, the statement and `after` as one script in one round trip (simple protocol), answering
   * the statement's result: how a read-only native `_select` runs (`BEGIN READ ONLY; SET LOCAL …;
   * statement; ROLLBACK`) instead of three round trips. Parameters are written into the text as
   * literals (inline-parameters.ts). On a server, a statement sent again is prepared with SQL's
   * PREPARE and the script runs `EXECUTE name(literals)`: a literal's type is resolved from the
   * prepared parameter's, as a bound parameter's is, so it means the same, and the plan is reused.
   */
  async #between<Row>(
    before: readonly string[],
    sql: string,
    params: readonly unknown[],
    after: readonly string[],
    retried = false,
  ): Promise<StatementResult<Row>> {
    let name: string | undefined;
    let fresh = false;
    if (this.#parameters === "bound") {
      name = this.#preparedBySql.get(sql);
      if (!name && this.#secondSighting(`script:${sql}`)) {
        name = `rookery_s${++PgConnection.#names}`;
        fresh = true;
      }
    }
    const statements = [...before];
    // Prepared inside the script, under its settings: Postgres resolves names with the search path the
    // statement was prepared under (and re-analyzes it when a later one differs). A prepared statement
    // outlives the script's ROLLBACK.
    if (fresh) statements.push(`PREPARE ${name} AS ${sql}`);
    if (name)
      statements.push(
        params.length ? `EXECUTE ${name}(${params.map(literal).join(", ")})` : `EXECUTE ${name}`,
      );
    else statements.push(inlineParameters(sql, params));
    statements.push(...after);
    let results: pg.QueryResult[];
    try {
      const answer = (await this.client.query(statements.join("; "))) as pg.QueryResult | pg.QueryResult[];
      results = Array.isArray(answer) ? answer : [answer];
    } catch (error) {
      // The script stopped at the failure, inside the transaction its `before` opened. node-postgres
      // rejects on the ErrorResponse, possibly before the ReadyForQuery that says so has been read, so
      // the transaction status cannot be trusted yet: end it unconditionally (queued behind that
      // message; outside a transaction a ROLLBACK only warns).
      await this.client.query("ROLLBACK");
      if (fresh) {
        // Whether the PREPARE took is unknown: drop it, so failing statements never pile up on the server.
        await this.client.query(`DEALLOCATE ${name}`).catch(() => {});
        throw error;
      }
      // Our prepared statement is gone (SQL we did not see dropped it): forget the names and send the
      // script once more.
      if (!name || retried || (error as { code?: string }).code !== "26000") throw error;
      this.forgetPrepared();
      return this.#between<Row>(before, sql, params, after, true);
    }
    if (fresh) this.#preparedBySql.set(sql, name!);
    if (DROPS_PREPARED.test(sql)) this.forgetPrepared();
    const result = results[before.length + (fresh ? 1 : 0)]!;
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0, command: result.command };
  }

  /** Forgets every prepared statement (the server dropped them: DEALLOCATE ALL, DISCARD ALL). */
  forgetPrepared(): void {
    this.#prepared.clear();
    this.#preparedBySql.clear();
    // node-postgres remembers which names it has parsed on this connection; it must parse them again.
    (
      this.client as unknown as { connection: { parsedStatements: Record<string, string> } }
    ).connection.parsedStatements = {};
  }

  statementBetween: Connection["statementBetween"];

  async script(sql: string) {
    let result: pg.QueryResult | pg.QueryResult[];
    try {
      result = (await this.client.query(sql)) as pg.QueryResult | pg.QueryResult[];
    } finally {
      // The session reset (DEALLOCATE ALL) drops our prepared statements, also when a later part fails.
      if (DROPS_PREPARED.test(sql)) this.forgetPrepared();
    }
    return (Array.isArray(result) ? result : [result]).map((r) => ({ command: r.command }));
  }

  inTransaction(): boolean {
    return this.#status !== "I";
  }
}

/**
 * What the server is: whether every connection shares one Postgres session (a value set for one
 * transaction on one connection is visible on a second one: so on firebase-tools' PGlite gateway, never on
 * a real server), and whether it is PGlite behind a wire gateway (its `server_version` says so). Also the
 * first contact, so that a bad URL fails here with the server's own message.
 */
async function probeServer(
  config: pg.ClientConfig,
): Promise<{ sharesOneSession: boolean; isPglite: boolean }> {
  const first = new pg.Client(config);
  first.on("error", () => {});
  let serverVersion = "";
  (first as unknown as { connection: NodeJS.EventEmitter }).connection.on(
    "parameterStatus",
    (message: { parameterName?: string; parameterValue?: string }) => {
      if (message.parameterName === "server_version") serverVersion = message.parameterValue ?? "";
    },
  );
  await first.connect();
  const isPglite = /pglite/i.test(serverVersion);
  const second = new pg.Client(config);
  second.on("error", () => {});
  try {
    try {
      await second.connect();
    } catch {
      return { sharesOneSession: true, isPglite }; // one connection at most: treat it as one session
    }
    // Simple-protocol statements only: the gateway mishandles failed extended-protocol ones.
    const token = randomUUID().replaceAll("-", "");
    await first.query(`BEGIN; SELECT set_config('rookery.session_probe', '${token}', true)`);
    const { rows } = (await second.query(
      "SELECT current_setting('rookery.session_probe', true) AS v",
    )) as pg.QueryResult<{ v: string | null }>;
    await first.query("ROLLBACK");
    return { sharesOneSession: rows[0]?.v === token, isPglite };
  } finally {
    await Promise.allSettled([first.end(), second.end()]);
  }
}

function redact(url: URL): string {
  const copy = new URL(url);
  if (copy.password) copy.password = "***";
  return copy.toString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
