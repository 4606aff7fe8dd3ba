// A Database wrapper that remembers the last statement the engine sent, so the SQL an operation
// compiles to can be timed alone, byte for byte, without copying it by hand.
import type { Database, Queryable } from "../../../packages/dataconnect-emulator/src/db/database.ts";

/** One statement as sent to Postgres: text and positional parameters. */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** `db` plus `last`: the most recent statement that returned rows (query/command, not exec). */
export interface CapturingDatabase extends Database {
  last: Statement | undefined;
}

/** Wraps `db` so that every `query`/`command`, inside transactions too, is recorded in `last`. */
export function capturing(db: Database): CapturingDatabase {
  const record = (statement: Statement) => {
    wrapped.last = statement;
  };
  const wrapped: CapturingDatabase = {
    ...wrap(db, record),
    last: undefined,
    description: db.description,
    maxSessions: db.maxSessions,
    session: (fn) =>
      db.session((session) =>
        fn({
          ...wrap(session, record),
          markDirty: () => session.markDirty(),
          readOnlyQuery: (sql, params, options) => {
            record({ sql, params });
            return session.readOnlyQuery(sql, params, options);
          },
          transaction: (inner, options) => session.transaction((tx) => inner(wrap(tx, record)), options),
        }),
      ),
    transaction: (fn, options) => db.transaction((tx) => fn(wrap(tx, record)), options),
    close: () => db.close(),
  };
  return wrapped;
}

function wrap(q: Queryable, record: (s: Statement) => void): Queryable {
  return {
    query(sql, params = []) {
      record({ sql, params });
      return q.query(sql, params);
    },
    command(sql, params = []) {
      record({ sql, params });
      return q.command(sql, params);
    },
    exec: (sql) => q.exec(sql),
  };
}
