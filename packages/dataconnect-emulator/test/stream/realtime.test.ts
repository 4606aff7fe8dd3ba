// Realtime subscriptions through the official web SDK (in Node): its WebSocket transport against our stream.
import { executeMutation, executeQuery, mutationRef, queryRef } from "firebase/data-connect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { type TempDir, tempDir } from "../protocol/support/config-dir.ts";
import { eventually, openSharedDatabase, startEmulator } from "../protocol/support/emulator.ts";
import { chatConfig, record, webClients } from "./support.ts";

let db: Database;
let config: TempDir;
let emulator: RunningEmulator;
const clients = webClients(() => emulator);

beforeAll(async () => {
  db = await openSharedDatabase();
  config = await tempDir(chatConfig());
  emulator = await startEmulator(config.dir, db);
});
afterAll(async () => {
  await emulator.stop();
  await db.close();
  await config.remove();
});
afterEach(async () => {
  await clients.closeAll();
  await eventually(async () => emulator.realtimeStats().subscriptions === 0);
});

type RoomData = { room: { name: string } | null };
type MessagesData = { messages: { text: string; author?: string }[] };

async function addRoom(name: string): Promise<string> {
  const ref = mutationRef<{ room_insert: { id: string } }, { name: string }>(clients.client(), "AddRoom", {
    name,
  });
  return (await executeMutation(ref)).data.room_insert.id;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("realtime subscriptions through the web SDK", () => {
  it("pushes a new result to a key lookup when that entity is updated (implicit refresh)", async () => {
    const id = await addRoom("lobby");
    const sub = record(queryRef<RoomData, { id: string }>(clients.client(), "GetRoom", { id }));
    expect(await sub.ready()).toEqual({ room: { name: "lobby" } });
    await executeMutation(mutationRef(clients.client(), "RenameRoom", { id, name: "hall" }));
    expect(await sub.update(1)).toEqual({ room: { name: "hall" } });
  });

  it("leaves a key lookup alone when another entity of the table changes", async () => {
    const [mine, other] = [await addRoom("mine"), await addRoom("other")];
    const sub = record(queryRef<RoomData, { id: string }>(clients.client(), "GetRoom", { id: mine }));
    await sub.ready();
    await executeMutation(mutationRef(clients.client(), "RenameRoom", { id: other, name: "renamed" }));
    await settle();
    expect(sub.updates).toHaveLength(0);
  });

  it("refreshes on the named mutation only when the condition holds, one result per mutation", async () => {
    const [red, blue] = [await addRoom("red"), await addRoom("blue")];
    const sub = record(
      queryRef<MessagesData, { roomId: string }>(clients.client(), "RoomMessages", { roomId: red }),
    );
    expect(await sub.ready()).toEqual({ messages: [] });
    const alice = clients.client("alice");
    await executeMutation(mutationRef(alice, "SendMessage", { roomId: blue, text: "elsewhere" }));
    await executeMutation(mutationRef(alice, "SendMessage", { roomId: red, text: "hi" }));
    expect(await sub.update(1)).toEqual({ messages: [{ text: "hi", author: "alice" }] });
    await settle();
    expect(sub.updates).toHaveLength(1);
  });

  it("coalesces a burst of mutations and ends on the state after the last one", async () => {
    const room = await addRoom("busy");
    const sub = record(
      queryRef<MessagesData, { roomId: string }>(clients.client(), "RoomMessages", { roomId: room }),
    );
    await sub.ready();
    const alice = clients.client("alice");
    const texts = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"];
    await Promise.all(
      texts.map((text) => executeMutation(mutationRef(alice, "SendMessage", { roomId: room, text }))),
    );
    await sub.find((data) => data.messages.length === texts.length);
    await settle();
    const refreshes = sub.updates;
    expect(refreshes.length).toBeLessThanOrEqual(texts.length);
    expect(refreshes.at(-1)?.messages.map((m) => m.text)).toEqual(texts);
  });

  it("re-runs a subscription with the subscriber's own identity, and pushes only what changed for it", async () => {
    const room = await addRoom("shared");
    const alice = clients.client("alice");
    const bob = clients.client("bob");
    await executeMutation(mutationRef(alice, "SendMessage", { roomId: room, text: "a-own" }));
    const sub = record(queryRef<MessagesData>(alice, "MyMessages"));
    const initial = await sub.ready();
    expect(initial.messages.map((m) => m.text)).toContain("a-own");
    // Bob's message re-runs Alice's query (the rule names SendMessage): as Alice, nothing changed.
    await executeMutation(mutationRef(bob, "SendMessage", { roomId: room, text: "b-secret" }));
    await settle();
    expect(sub.updates).toHaveLength(0);
    await executeMutation(mutationRef(alice, "SendMessage", { roomId: room, text: "a-again" }));
    const refreshed = await sub.update(1);
    expect(refreshed.messages.map((m) => m.text)).toContain("a-again");
    expect(JSON.stringify(sub.results)).not.toContain("b-secret");
  });

  it("refuses a subscription @auth does not allow, as a unary call would", async () => {
    const sub = record(queryRef<MessagesData>(clients.client(), "MyMessages"));
    const error = await sub.nextError();
    expect(error.message).toMatch(/unauthenticated|unauthorized/i);
    expect(sub.results).toEqual([]);
  });

  it("answers executeQuery on a subscribed query over the stream (resume) and refreshes on stream mutations", async () => {
    const id = await addRoom("resumed");
    const dc = clients.client("alice");
    const ref = queryRef<RoomData, { id: string }>(dc, "GetRoom", { id });
    const sub = record(ref);
    await sub.ready();
    // With a subscription open, the SDK sends both over the stream (`resume`, `execute`).
    expect((await executeQuery(ref)).data).toEqual({ room: { name: "resumed" } });
    await executeMutation(mutationRef(dc, "RenameRoom", { id, name: "renamed-over-stream" }));
    expect(await sub.find((d) => d.room?.name === "renamed-over-stream")).toBeTruthy();
  });

  it("ends the server's subscription when the last subscriber unsubscribes", async () => {
    const id = await addRoom("brief");
    const sub = record(queryRef<RoomData, { id: string }>(clients.client(), "GetRoom", { id }));
    await sub.ready();
    expect(emulator.realtimeStats().subscriptions).toBe(1);
    sub.unsubscribe();
    await eventually(async () => emulator.realtimeStats().subscriptions === 0);
    await executeMutation(mutationRef(clients.client(), "RenameRoom", { id, name: "unheard" }));
    await settle();
    expect(sub.updates).toHaveLength(0);
  });
});

describe("reconnection", () => {
  it("resubscribes after the emulator restarts and keeps receiving refreshes", async () => {
    const id = await addRoom("durable");
    const sub = record(queryRef<RoomData, { id: string }>(clients.client(), "GetRoom", { id }));
    await sub.ready();
    const { host, port } = emulator.addresses[0]!;
    await emulator.stop();
    emulator = await startEmulator(config.dir, db, { listen: [{ host, port }] });
    // The SDK reconnects with backoff (about a second) and sends its subscriptions again.
    await eventually(async () => emulator.realtimeStats().subscriptions === 1);
    await executeMutation(mutationRef(clients.client(), "RenameRoom", { id, name: "after-restart" }));
    expect(await sub.find((d) => d.room?.name === "after-restart")).toBeTruthy();
    expect(sub.errors).toEqual([]);
  });
});
