/** Something SQL can be sent to: a session, or one transaction on it. */
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

/** How a transaction is opened. Everything here is sent with `BEGIN`, in one round trip. */
export interface TransactionOptions {
  /**
   * `BEGIN READ ONLY`, ended with `ROLLBACK` (there is nothing to commit), which also undoes any
   * session-level setting changed inside it.
   */
  readOnly?: boolean;
  /** `SET LOCAL search_path` for the transaction (unqualified names in native SQL). */
  searchPath?: readonly string[];
  /** `SET LOCAL statement_timeout` for the transaction, in ms (0 = none; migrations). */
  statementTimeoutMs?: number;
}

/**
 * One database session held by one operation at a time: its statements, and the transactions it opens,
 * see no other operation's. Whatever happens inside, the session is handed to the next operation idle
 * (no transaction open) and with its session-level settings as they were.
 */
export interface Session extends Queryable {
  /** Runs `fn` in one transaction: committed if it resolves (and only if Postgres says so), rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs one read-only statement in a transaction of its own (`BEGIN READ ONLY`, the settings, the
   * statement, `ROLLBACK`): in one round trip where the connection can send it so.
   */
  readOnlyQuery<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[],
    options?: Omit<TransactionOptions, "readOnly">,
  ): Promise<Row[]>;
  /** Says that SQL the engine did not write ran here (native `_execute`): its session-level effects are undone before reuse. */
  markDirty(): void;
}

/** A Postgres database the engine serves: embedded PGlite or a server reached by URL. */
export interface Database extends Queryable {
  /** What it is, for logs: `"pglite (memory)"`, `"postgres://host:5432/db"`. */
  readonly description: string;
  /** How many sessions may run at once: 1 for PGlite and for single-session servers (firebase-tools' gateway). */
  readonly maxSessions: number;
  /**
   * Runs `fn` on a session of its own, waiting for one if all are busy. When too many operations wait
   * (or one waits too long), it fails fast with RESOURCE_EXHAUSTED instead of queueing without bound.
   */
  session<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** `session` + `Session.transaction`. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}
