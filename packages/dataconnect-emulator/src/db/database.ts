/** Something SQL can be sent to: a database or one transaction on it. */
export interface Queryable {
  /** Runs one statement with positional `$n` parameters and returns its rows as objects. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs one statement and also says how many rows it inserted, updated or deleted. */
  command<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: Row[]; rowCount: number }>;
  /** Runs a script of several statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
}

/** A Postgres database the engine serves: embedded PGlite or a server reached by URL. */
export interface Database extends Queryable {
  /** What it is, for logs: `"pglite (memory)"`, `"postgres://host:5432/db"`. */
  readonly description: string;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
