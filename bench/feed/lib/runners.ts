// Feed forms as runnable pages: through the engine (connector operation or executeGraphql), the
// SQL the engine sent for that call (captured, timed alone), or a hand-written SQL form.
import type { Queryable } from "../../../packages/dataconnect-emulator/src/db/database.ts";
import type { Caller, Service } from "../../../packages/dataconnect-emulator/src/engine/types.ts";
import type { CapturingDatabase, Statement } from "./capture.ts";
import { normalizeId } from "./exactness.ts";
import { SHIPPED_CONNECTOR } from "./project.ts";
import { TYPED_EXACT, TYPED_LT } from "./typed.ts";

/** Where a page starts: strictly after (time, id); `seenAtTime` serves the typed exact keyset. */
export interface Cursor {
  time: string;
  id: string;
  seenAtTime: readonly string[];
}

/** A page of one form for one viewer, ready to run (any per-call preparation already done). */
export type PreparedPage = () => Promise<string[]>;

/** A feed query form: prepares a page for (viewer, cursor); running it returns post ids in order. */
export interface FeedForm {
  name: string;
  prepare(uid: string, cursor: Cursor, limit?: number): Promise<PreparedPage>;
}

/** The engine's caller for a signed-in (non-anonymous) Firebase user. */
export function userCaller(uid: string): Caller {
  return {
    kind: "user",
    auth: { uid, token: { sub: uid, user_id: uid, firebase: { sign_in_provider: "password" } } },
  };
}

const hex = (id: string) => normalizeId(id);

function idsOf(
  response: { data: Record<string, unknown> | null; errors?: unknown[] },
  field: string,
): string[] {
  if (response.errors?.length || !response.data)
    throw new Error(`engine error: ${JSON.stringify(response.errors)}`);
  return (response.data[field] as { id: string }[]).map((r) => r.id);
}

/** The shipped HomeFeed connector operation, end to end through the engine. */
export function shippedEngine(service: Service): FeedForm {
  return {
    name: "shipped HomeFeed (engine)",
    prepare:
      async (uid, cursor, limit = 20) =>
      async () =>
        idsOf(
          await service.executeConnector({
            connector: SHIPPED_CONNECTOR,
            operationName: "HomeFeed",
            variables: { beforeTime: cursor.time, beforeId: hex(cursor.id), limit },
            kind: "query",
            caller: userCaller(uid),
          }),
          "_select",
        ),
  };
}

/** The typed relational operation (`exact`: with the tie-exclusion keyset), through executeGraphql. */
export function typedEngine(service: Service, exact: boolean): FeedForm {
  return {
    name: exact ? "typed relational (engine)" : "typed relational, createdAt lt only (engine)",
    prepare:
      async (uid, cursor, limit = 20) =>
      async () =>
        idsOf(
          await service.executeGraphql({
            query: exact ? TYPED_EXACT : TYPED_LT,
            variables: exact
              ? { beforeTime: cursor.time, seenAtTime: cursor.seenAtTime.map(hex), limit }
              : { beforeTime: cursor.time, limit },
            readOnly: true,
            caller: userCaller(uid),
          }),
          "posts",
        ),
  };
}

/**
 * The SQL statement an engine form sent, timed alone: preparing runs the form once through the
 * engine and keeps the last statement; running replays it on `db` (no engine, no transaction).
 */
export function capturedSql(engineForm: FeedForm, db: CapturingDatabase, name: string): FeedForm {
  return {
    name,
    prepare: async (uid, cursor, limit) => {
      await (await engineForm.prepare(uid, cursor, limit))();
      const statement = db.last as Statement;
      return async () => jsonIds(await db.query(statement.sql, statement.params));
    },
  };
}

/** A hand-written SQL form with the shared ($1 uid, $2 time, $3 id, $4 limit) parameters, on `q`. */
export function sqlForm(name: string, sql: string, q: Queryable): FeedForm {
  return {
    name,
    prepare:
      async (uid, cursor, limit = 20) =>
      async () =>
        (await q.query<{ id: string }>(sql, [uid, cursor.time, cursor.id, limit])).map((r) => r.id),
  };
}

/** Ids from the engine's one-row, one-JSON-column result (`[{…, id}]`). */
function jsonIds(rows: Record<string, unknown>[]): string[] {
  const value = rows[0] ? Object.values(rows[0])[0] : null;
  const list = (typeof value === "string" ? JSON.parse(value) : value) as { id: string }[] | null;
  return (list ?? []).map((r) => r.id);
}
