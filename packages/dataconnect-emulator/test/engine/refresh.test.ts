// Refresh rules (spec §1.10): `@refresh` validation, the mutation-committed signal and each subscriber's watch.
import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { compileProject, createService, migrate } from "../../src/engine/project.ts";
import type { CommittedMutation } from "../../src/engine/refresh.ts";
import type { Caller, Service } from "../../src/engine/types.ts";
import { formatCompileError } from "../../src/schema/source.ts";
import { sharedDatabase, user } from "../support/engine.ts";

const SCHEMA = `type Room @table { name: String! }
type Message @table { room: Room! author: String! text: String! }
type Member @table(key: ["room", "uid"]) { room: Room! uid: String! }
`;

const OPERATIONS = `query GetRoom($id: UUID!) @auth(level: PUBLIC) { room(id: $id) { name } }
query GetRoomByKey($id: UUID!) @auth(level: PUBLIC) { room(key: { id: $id }) { name messages_on_room { text } } }
query MyMembership($room: UUID!) @auth(level: USER) { member(key: { roomId: $room, uid_expr: "auth.uid" }) { uid } }
query Rooms @auth(level: PUBLIC) { rooms { name } }
query RoomAndList($id: UUID!) @auth(level: PUBLIC) { room(id: $id) { name } rooms { name } }
query Watched($roomId: UUID!) @auth(level: PUBLIC)
  @refresh(onMutationExecuted: { operation: "Send", condition: "mutation.variables.roomId == request.variables.roomId" })
  @refresh(onMutationExecuted: { operation: "Mine", condition: "mutation.auth.uid == request.auth.uid" })
  @refresh(every: { seconds: 30 })
  @refresh(every: { minutes: 1 }) {
  messages(where: { roomId: { eq: $roomId } }) { text }
}
mutation AddRoom($name: String!) @auth(level: PUBLIC) { room_insert(data: { name: $name }) }
mutation Rename($id: UUID!, $name: String!) @auth(level: PUBLIC) { room_update(id: $id, data: { name: $name }) }
mutation RenameAll($name: String!) @auth(level: PUBLIC) { room_updateMany(all: true, data: { name: $name }) }
mutation Drop($id: UUID!) @auth(level: PUBLIC) { room_delete(id: $id) }
mutation Send($roomId: UUID!, $text: String!) @auth(level: USER) { message_insert(data: { roomId: $roomId, author_expr: "auth.uid", text: $text }) }
mutation Mine @auth(level: USER) { room_insert(data: { name_expr: "auth.uid" }) }
mutation Join($room: UUID!) @auth(level: USER) { member_upsert(data: { roomId: $room, uid_expr: "auth.uid" }) }
mutation Fails($id: UUID!) @auth(level: PUBLIC) @transaction {
  room_update(id: $id, data: { name: "never" })
  message_insert(data: { roomId: "00000000-0000-0000-0000-000000000000", author: "x", text: "dangling" })
}
mutation RenameTwice($id: UUID!) @auth(level: PUBLIC) {
  first: room_update(id: $id, data: { name: "one" })
  second: room_update(id: $id, data: { name: "two" })
}
mutation RenameThenFail($id: UUID!) @auth(level: PUBLIC) {
  room_update(id: $id, data: { name: "kept" })
  message_insert(data: { roomId: "00000000-0000-0000-0000-000000000000", author: "x", text: "dangling" })
}
mutation NativeRename($id: UUID!, $name: String!) @auth(level: PUBLIC) {
  _execute(sql: "UPDATE room SET name = $2 WHERE id = $1", params: [$id, $name])
}
mutation NativeInTransaction($id: UUID!) @auth(level: PUBLIC) @transaction {
  renamed: _executeReturningFirst(sql: "UPDATE room SET name = 'native' WHERE id = $1 RETURNING name", params: [$id])
  counted: _execute(sql: "UPDATE room SET name = name WHERE id = $1", params: [$id])
}
mutation NativeRollsBack($id: UUID!) @auth(level: PUBLIC) @transaction {
  renamed: _execute(sql: "UPDATE room SET name = 'never' WHERE id = $1", params: [$id])
  broken: _execute(sql: "UPDATE room SET name = 'x' WHERE 1 / 0 = 1")
}
`;

let schemas = 0;

type RealtimeService = Awaited<ReturnType<typeof newRealtimeService>>;
let shared: Promise<RealtimeService> | undefined;

/**
 * A service over OPERATIONS (connector `default`), realtime on unless `clientCache` is false. The default
 * one is shared by the file (tests make their own rooms and read only the commits they cause).
 */
function realtimeService(
  options: { clientCache?: boolean; operations?: string } = {},
): Promise<RealtimeService> {
  if (options.clientCache !== undefined || options.operations !== undefined)
    return newRealtimeService(options);
  shared ??= newRealtimeService();
  return shared;
}

async function newRealtimeService(
  options: { clientCache?: boolean; operations?: string; db?: Database; onCommitted?: () => void } = {},
) {
  const db = options.db ?? (await sharedDatabase());
  const pgSchema = `refresh_${++schemas}_${Math.random().toString(36).slice(2, 8)}`;
  const compiled = compileProject({
    serviceId: "test",
    pgSchema,
    schemaFiles: [{ path: "schema/schema.gql", text: SCHEMA }],
    connectors: [
      {
        id: "default",
        files: [{ path: "connector/ops.gql", text: options.operations ?? OPERATIONS }],
        clientCache: options.clientCache ?? true,
      },
    ],
    sqlFiles: [],
  });
  if (!compiled.ok) throw new Error(compiled.errors.map(formatCompileError).join("\n"));
  await migrate(db, compiled.project);
  const commits: CommittedMutation[] = [];
  const service = createService(compiled.project, db, {
    onMutationCommitted: (m) => {
      commits.push(m);
      options.onCommitted?.();
    },
  });
  return { service, commits, ...calls(service) };
}

function calls(service: Service) {
  return {
    mutate: (
      operationName: string,
      variables: Record<string, unknown> = {},
      caller: Caller = { kind: "admin" },
    ) =>
      service.executeConnector({ connector: "default", operationName, variables, kind: "mutation", caller }),
    subscribe: (
      operationName: string,
      variables: Record<string, unknown> = {},
      caller: Caller = { kind: "admin" },
    ) => service.subscribeQuery({ connector: "default", operationName, variables, caller }),
  };
}

/** `db`, noting in `events` when a transaction's COMMIT is confirmed and when a session is handed back. */
function tracedDatabase(db: Database, events: string[]): Database {
  return {
    ...db,
    async session(fn) {
      try {
        return await db.session((session) =>
          fn({
            query: (sql, params) => session.query(sql, params),
            command: (sql, params) => session.command(sql, params),
            exec: (sql) => session.exec(sql),
            readOnlyQuery: (sql, params, options) => session.readOnlyQuery(sql, params, options),
            markDirty: () => session.markDirty(),
            async transaction(body, options) {
              const value = await session.transaction(body, options);
              events.push("COMMIT confirmed");
              return value;
            },
          }),
        );
      } finally {
        events.push("session handed back");
      }
    },
  };
}

function compileErrors(operations: string): string[] {
  const compiled = compileProject({
    serviceId: "test",
    pgSchema: "public",
    schemaFiles: [{ path: "schema/schema.gql", text: SCHEMA }],
    connectors: [{ id: "default", files: [{ path: "connector/ops.gql", text: operations }] }],
    sqlFiles: [],
  });
  return compiled.ok ? [] : compiled.errors.map(formatCompileError);
}

async function newRoom(s: RealtimeService, name = "r"): Promise<string> {
  const res = await s.mutate("AddRoom", { name });
  return (res.data as { room_insert: { id: string } }).room_insert.id;
}

describe("@refresh validation", () => {
  it("accepts every period from 10 seconds to 1 hour", () => {
    expect(
      compileErrors(`query A @auth(level: PUBLIC) @refresh(every: { seconds: 10 }) { rooms { name } }
query B @auth(level: PUBLIC) @refresh(every: { hours: 1 }) { rooms { name } }`),
    ).toEqual([]);
  });

  it("rejects a period under 10 seconds, with the file and line", () => {
    expect(
      compileErrors(`query A @auth(level: PUBLIC) @refresh(every: { seconds: 9 }) { rooms { name } }`),
    ).toEqual(["connector/ops.gql:1:30: @refresh(every:) must be between 10 seconds and 1 hour"]);
  });

  it("rejects a period over 1 hour", () => {
    expect(
      compileErrors(`query A @auth(level: PUBLIC) @refresh(every: { minutes: 61 }) { rooms { name } }`),
    ).toHaveLength(1);
  });

  it("rejects a condition that is not CEL", () => {
    const errors = compileErrors(
      `query A @auth(level: PUBLIC) @refresh(onMutationExecuted: { operation: "X", condition: "a ==" }) { rooms { name } }`,
    );
    expect(errors[0]).toMatch(/@refresh condition is not valid CEL/);
  });

  it("rejects @refresh without a rule", () => {
    expect(compileErrors(`query A @auth(level: PUBLIC) @refresh { rooms { name } }`)[0]).toMatch(
      /@refresh needs `every` or `onMutationExecuted`/,
    );
  });

  it("is not allowed on mutations", () => {
    expect(
      compileErrors(
        `mutation M @auth(level: PUBLIC) @refresh(every: { seconds: 30 }) { room_insert(data: { name: "x" }) }`,
      )[0],
    ).toMatch(/Directive "@refresh" may not be used on MUTATION/);
  });
});

describe("the mutation-committed signal", () => {
  it("names the operation, its coerced variables, the caller and the entity a single-entity field wrote", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    await s.mutate("Rename", { id: id.toUpperCase(), name: "x" }, user("alice"));
    const last = s.commits.at(-1)!;
    expect(last.operationName).toBe("Rename");
    expect(last.variables.id).toMatch(/^[0-9a-f]{8}-/);
    expect(last.auth?.uid).toBe("alice");
    expect(last.entities).toEqual([`Room:${JSON.stringify([id])}`]);
  });

  it("names no entity for bulk mutations", async () => {
    const s = await realtimeService();
    await newRoom(s);
    await s.mutate("RenameAll", { name: "all" });
    expect(s.commits.at(-1)).toMatchObject({ operationName: "RenameAll", entities: [] });
  });

  it("names a composite key the way a key lookup does", async () => {
    const s = await realtimeService();
    const room = await newRoom(s);
    await s.mutate("Join", { room }, user("bob"));
    const watch = (await s.subscribe("MyMembership", { room }, user("bob"))).watch!;
    expect(watch.entities).toEqual(s.commits.at(-1)!.entities);
  });

  it("is not raised when a @transaction mutation rolls back", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    const before = s.commits.length;
    const res = await s.mutate("Fails", { id });
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(s.commits).toHaveLength(before);
  });

  it("is raised once for a mutation of several fields, and once for each @transaction mutation", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    const before = s.commits.length;
    await s.mutate("RenameTwice", { id });
    expect(s.commits.slice(before).map((c) => c.operationName)).toEqual(["RenameTwice"]);
    await s.mutate("NativeInTransaction", { id });
    expect(s.commits.slice(before).map((c) => c.operationName)).toEqual([
      "RenameTwice",
      "NativeInTransaction",
    ]);
  });

  it("is raised for a native _execute on its own (committed in a transaction of its own)", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    const before = s.commits.length;
    const res = await s.mutate("NativeRename", { id, name: "by sql" }, user("carol"));
    expect(res.errors).toBeUndefined();
    expect(s.commits.slice(before)).toEqual([
      {
        operationName: "NativeRename",
        variables: expect.objectContaining({ name: "by sql" }),
        auth: expect.objectContaining({ uid: "carol" }),
        entities: [],
      },
    ]);
  });

  it("is not raised when native SQL in a @transaction fails and the whole transaction rolls back", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    const before = s.commits.length;
    const res = await s.mutate("NativeRollsBack", { id });
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(s.commits).toHaveLength(before);
  });

  it("is raised when an earlier field of a mutation without @transaction committed and a later one failed", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    const before = s.commits.length;
    const res = await s.mutate("RenameThenFail", { id });
    expect(res.errors?.length).toBe(1);
    expect(s.commits.slice(before)).toEqual([expect.objectContaining({ operationName: "RenameThenFail" })]);
  });

  it("is not raised when the only statement fails", async () => {
    const s = await realtimeService();
    const before = s.commits.length;
    const res = await s.mutate(
      "Send",
      { roomId: "00000000-0000-0000-0000-000000000000", text: "x" },
      user("u"),
    );
    expect(res.errors?.length).toBe(1);
    expect(s.commits).toHaveLength(before);
  });

  it("is raised only after the operation's COMMIT is confirmed and its session handed back", async () => {
    const events: string[] = [];
    const s = await newRealtimeService({
      db: tracedDatabase(await sharedDatabase(), events),
      onCommitted: () => events.push("signal"),
    });
    const id = await newRoom(s);
    events.length = 0;
    await s.mutate("NativeInTransaction", { id });
    expect(events).toEqual(["COMMIT confirmed", "session handed back", "signal"]);
    events.length = 0;
    await s.mutate("NativeRollsBack", { id });
    expect(events).toEqual(["session handed back"]);
  });

  it("is raised for an admin's ad-hoc mutation too, named by its operation", async () => {
    const s = await realtimeService();
    await s.service.executeGraphql({
      query: `mutation AdHoc { room_insert(data: { name: "admin" }) }`,
      variables: {},
      readOnly: false,
      caller: { kind: "admin" },
    });
    expect(s.commits.at(-1)).toMatchObject({ operationName: "AdHoc", auth: null });
    expect(s.commits.at(-1)!.entities).toHaveLength(1);
  });
});

describe("a subscriber's watch", () => {
  it("has the implicit rule for a query that only looks entities up by key", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    const { watch } = await s.subscribe("GetRoom", { id });
    expect(watch!.entities).toEqual([`Room:${JSON.stringify([id])}`]);
    await s.mutate("Rename", { id, name: "y" });
    expect(watch!.affectedBy(s.commits.at(-1)!)).toBe(true);
  });

  it("keeps the implicit rule with nested relations under a key lookup (`key:` form)", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    expect((await s.subscribe("GetRoomByKey", { id })).watch!.entities).toHaveLength(1);
  });

  it("has no implicit rule for lists, or for a lookup next to a list", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    expect((await s.subscribe("Rooms")).watch!.entities).toEqual([]);
    expect((await s.subscribe("RoomAndList", { id })).watch!.entities).toEqual([]);
  });

  it("is refreshed by a delete of its entity but not by bulk updates", async () => {
    const s = await realtimeService();
    const id = await newRoom(s);
    const { watch } = await s.subscribe("GetRoom", { id });
    await s.mutate("RenameAll", { name: "bulk" });
    expect(watch!.affectedBy(s.commits.at(-1)!)).toBe(false);
    await s.mutate("Drop", { id });
    expect(watch!.affectedBy(s.commits.at(-1)!)).toBe(true);
  });

  it("evaluates conditions over the subscriber's variables and the mutation's", async () => {
    const s = await realtimeService();
    const [a, b] = [await newRoom(s), await newRoom(s)];
    const { watch } = await s.subscribe("Watched", { roomId: a });
    await s.mutate("Send", { roomId: b, text: "x" }, user("u"));
    expect(watch!.affectedBy(s.commits.at(-1)!)).toBe(false);
    await s.mutate("Send", { roomId: a.replaceAll("-", "").toUpperCase(), text: "y" }, user("u"));
    expect(watch!.affectedBy(s.commits.at(-1)!)).toBe(true);
  });

  it("binds request.auth to the subscriber and mutation.auth to the mutation's caller", async () => {
    const s = await realtimeService();
    const room = await newRoom(s);
    const alices = (await s.subscribe("Watched", { roomId: room }, user("alice"))).watch!;
    const anonymous = (await s.subscribe("Watched", { roomId: room }, { kind: "user", auth: null })).watch!;
    await s.mutate("Mine", {}, user("alice"));
    expect(alices.affectedBy(s.commits.at(-1)!)).toBe(true);
    expect(anonymous.affectedBy(s.commits.at(-1)!)).toBe(false);
    await s.mutate("Mine", {}, user("bob"));
    expect(alices.affectedBy(s.commits.at(-1)!)).toBe(false);
  });

  it("lets PUBLIC queries that never read auth share one run across identities, and no others", async () => {
    const s = await realtimeService({
      operations: `${OPERATIONS}
query NotMine($roomId: UUID!) @auth(level: PUBLIC) { messages(where: { roomId: { eq: $roomId }, author: { ne_expr: "auth.uid" } }) { text } }
query ViaFragment($id: UUID!) @auth(level: PUBLIC) { room(id: $id) { ...Checked } }
fragment Checked on Room { name @check(expr: "auth != null") }`,
    });
    const id = await newRoom(s);
    const shared = async (op: string, vars: Record<string, unknown>, caller: Caller = user("u")) =>
      (await s.subscribe(op, vars, caller)).watch?.sameForEveryone;
    expect(await shared("GetRoom", { id })).toBe(true);
    expect(await shared("Watched", { roomId: id })).toBe(true); // conditions read auth, results do not
    expect(await shared("NotMine", { roomId: id })).toBe(false);
    expect(await shared("ViaFragment", { id })).toBe(false);
    expect(await shared("MyMembership", { room: id })).toBe(false);
  });

  it("takes the shortest `every` period", async () => {
    const s = await realtimeService();
    const room = await newRoom(s);
    expect((await s.subscribe("Watched", { roomId: room })).watch!.everyMs).toBe(30_000);
  });

  it("is null when the connector has no clientCache (production sends no updates then)", async () => {
    const s = await realtimeService({ clientCache: false });
    const id = await newRoom(s);
    const run = await s.subscribe("GetRoom", { id });
    expect(run.response.data).toEqual({ room: { name: "r" } });
    expect(run.watch).toBeNull();
  });
});
