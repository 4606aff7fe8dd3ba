// The driver seam: what a session needs from one Postgres connection, whatever speaks to it (`pg` over
// TCP, or PGlite in this process). Everything above it (transactions, cleanup, back-pressure) is shared.

/** What one statement produced. */
export interface StatementResult<Row = Record<string, unknown>> {
  rows: Row[];
  rowCount: number;
  /** The command tag's verb: `"SELECT"`, `"INSERT"`, `"COMMIT"`, or `"ROLLBACK"` for a COMMIT that failed. */
  command: string;
}

/** One connection to Postgres: the session all its statements run in. */
export interface Connection {
  /** One statement, parameters bound (extended protocol): never several statements. */
  statement<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[],
  ): Promise<StatementResult<Row>>;
  /** A script of statements without parameters (simple protocol), in one round trip; one result per statement. */
  script(sql: string): Promise<{ command: string }[]>;
  /**
   * Where parameters can be written into the text (inline-parameters.ts): `before`, the statement and
   * `after` as one script, in one round trip, answering the statement's result. A failure stops the script.
   */
  statementBetween?<Row = Record<string, unknown>>(
    before: readonly string[],
    sql: string,
    params: readonly unknown[],
    after: readonly string[],
  ): Promise<StatementResult<Row>>;
  /** Whether the server said, after the last statement, that a transaction block is open (or failed). */
  inTransaction(): boolean;
  /**
   * SQL that re-applies the settings this session had when the engine got it, beyond what `RESET ALL`
   * restores (settings made by SET before us: PGlite's own `search_path`, our `TimeZone`).
   */
  readonly sessionSettings: string;
}

/** Where sessions get their connections: a pool of server connections, or the one PGlite. */
export interface ConnectionSource {
  readonly description: string;
  /** Connections that may be in use at once. */
  readonly maxConnections: number;
  acquire(): Promise<Connection>;
  /** Gives a connection back; an unhealthy one (its state is unknown) is closed, where that is possible. */
  release(connection: Connection, healthy: boolean): void;
  close(): Promise<void>;
}
