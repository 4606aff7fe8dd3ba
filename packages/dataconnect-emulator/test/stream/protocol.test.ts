// The stream's wire protocol with a raw WebSocket client: what the SDK relies on, and what a client that
// gets it wrong is told.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Database } from "../../src/db/database.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { BodyBudget } from "../../src/protocol/body.ts";
import { ServiceHolder } from "../../src/protocol/service-holder.ts";
import { RefreshHub } from "../../src/realtime/hub.ts";
import { silentLogger } from "../../src/runtime/log.ts";
import { createStreamServer } from "../../src/stream/server.ts";
import { type TempDir, tempDir } from "../protocol/support/config-dir.ts";
import { openSharedDatabase, startEmulator } from "../protocol/support/emulator.ts";
import { emulatorIdToken } from "../protocol/support/tokens.ts";
import { chatConfig } from "./support.ts";

let db: Database;
let config: TempDir;
let emulator: RunningEmulator;

beforeAll(async () => {
  db = await openSharedDatabase();
  config = await tempDir(chatConfig());
  emulator = await startEmulator(config.dir, db, { streamPingIntervalMs: 200 });
});
afterAll(async () => {
  await emulator.stop();
  await db.close();
  await config.remove();
});

const PATH =
  "/ws/google.firebase.dataconnect.v1.ConnectorStreamService.Connect/demo-test/locations/us-central1/services/svc";
const NAME = "projects/demo-test/locations/us-central1/services/svc/connectors/chat";

interface Frame {
  requestId: string;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code: string } }[];
  cancelled?: boolean;
}

/** A raw stream client: sends JSON messages and waits for frames. */
async function connect(options: { path?: string; autoPong?: boolean; origin?: string; port?: number } = {}) {
  const port = options.port ?? emulator.addresses[0]!.port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? PATH}`, {
    autoPong: options.autoPong ?? true,
    ...(options.origin ? { origin: options.origin } : {}),
  });
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  ws.on("message", (data) => {
    frames.push((JSON.parse(String(data)) as { result: Frame }).result);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let first = true;
  return {
    ws,
    frames,
    closed,
    send(message: Record<string, unknown>) {
      ws.send(JSON.stringify(first ? { name: NAME, ...message } : message));
      first = false;
    },
    raw: (text: string) => ws.send(text),
    frame(requestId: string, index = 0, timeoutMs = 5000): Promise<Frame> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame #${index} for ${requestId}`)), timeoutMs);
        const check = () => {
          const found = frames.filter((f) => f.requestId === requestId)[index];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => ws.close(),
  };
}

function upgradeStatus(
  path: string,
  headers: Record<string, string> = {},
  port = emulator.addresses[0]!.port,
) {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("error", () => {});
  });
}

async function addRoom(client: Awaited<ReturnType<typeof connect>>, requestId: string, name: string) {
  client.send({ requestId, execute: { operationName: "AddRoom", variables: { name } } });
  const frame = await client.frame(requestId);
  return (frame.data as { room_insert: { id: string } }).room_insert.id;
}

describe("stream endpoint", () => {
  it("accepts the 0.7.4 path and the 0.6–0.7.3 path", async () => {
    expect(await upgradeStatus(PATH)).toBe(101);
    expect(
      await upgradeStatus(
        "/ws/google.firebase.dataconnect.v1.ConnectorStreamService/Connect/locations/us-central1",
      ),
    ).toBe(101);
  });

  it("answers 404 for other paths and for a service this emulator does not serve", async () => {
    expect(await upgradeStatus("/ws/somewhere/else")).toBe(404);
    expect(await upgradeStatus(PATH.replace("/services/svc", "/services/other"))).toBe(404);
  });

  it("takes pages from any origin, as executeQuery does (a stream runs connector operations only)", async () => {
    expect(await upgradeStatus(PATH, { Origin: "http://localhost:5173" })).toBe(101);
    expect(await upgradeStatus(PATH, { Origin: "http://192.168.1.20:5173" })).toBe(101);
    expect(
      await upgradeStatus(PATH, {
        Origin: "https://5173-dev.cloudworkstations.dev",
        Host: "9399-dev.cloudworkstations.dev",
      }),
    ).toBe(101);
    expect(await upgradeStatus(PATH, {})).toBe(101);
  });

  it("refuses (403) a public page reaching it at a loopback address, as Private Network Access does", async () => {
    expect(await upgradeStatus(PATH, { Origin: "https://evil.example" })).toBe(403);
    expect(await upgradeStatus(PATH, { Origin: "null" })).toBe(403);
    expect(await upgradeStatus(PATH, { Origin: "https://evil.example", Host: "localhost" })).toBe(403);
  });

  it("answers 404 to an upgrade of any path but the stream's, even from an allowed page", async () => {
    expect(
      await upgradeStatus("/v1/projects/p/locations/l/services/svc/connectors/chat:executeQuery", {
        Origin: "http://localhost:5173",
      }),
    ).toBe(404);
  });
});

describe("messages", () => {
  it("executes a query and a mutation (the kind is the operation's)", async () => {
    const client = await connect();
    const id = await addRoom(client, "1", "stream-room");
    client.send({ requestId: "2", execute: { operationName: "GetRoom", variables: { id } } });
    expect(await client.frame("2")).toEqual({ requestId: "2", data: { room: { name: "stream-room" } } });
    client.close();
  });

  it("subscribes, pushes refreshes caused by another stream's mutation, and stops after cancel", async () => {
    const watcher = await connect();
    const writer = await connect();
    const id = await addRoom(writer, "1", "watched");
    watcher.send({ requestId: "7", subscribe: { operationName: "GetRoom", variables: { id } } });
    expect((await watcher.frame("7", 0)).data).toEqual({ room: { name: "watched" } });
    writer.send({
      requestId: "2",
      execute: { operationName: "RenameRoom", variables: { id, name: "seen" } },
    });
    expect((await watcher.frame("7", 1)).data).toEqual({ room: { name: "seen" } });
    watcher.send({ requestId: "7", cancel: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    writer.send({
      requestId: "3",
      execute: { operationName: "RenameRoom", variables: { id, name: "unseen" } },
    });
    await writer.frame("3");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watcher.frames.filter((f) => f.requestId === "7")).toHaveLength(2);
    watcher.close();
    writer.close();
  });

  it("re-sends a subscription's current result on resume", async () => {
    const client = await connect();
    const id = await addRoom(client, "1", "resumable");
    client.send({ requestId: "2", subscribe: { operationName: "GetRoom", variables: { id } } });
    await client.frame("2", 0);
    client.send({ requestId: "2", resume: {} });
    expect((await client.frame("2", 1)).data).toEqual({ room: { name: "resumable" } });
    client.close();
  });

  it("takes the identity from the message headers, as unary calls take X-Firebase-Auth-Token", async () => {
    const client = await connect();
    client.send({
      requestId: "1",
      headers: { "X-Firebase-Auth-Token": emulatorIdToken("carol") },
      subscribe: { operationName: "MyMessages", variables: {} },
    });
    expect(await client.frame("1")).toEqual({ requestId: "1", data: { messages: [] } });
    client.close();
  });

  it("ends a subscription @auth refuses, marking the frame cancelled", async () => {
    const client = await connect();
    client.send({ requestId: "1", subscribe: { operationName: "MyMessages", variables: {} } });
    const frame = await client.frame("1");
    expect(frame).toMatchObject({
      data: null,
      cancelled: true,
      errors: [{ extensions: { code: "UNAUTHENTICATED" } }],
    });
    client.close();
  });

  it("answers UNAUTHENTICATED to a token that is not a JWT", async () => {
    const client = await connect();
    client.send({
      requestId: "1",
      headers: { "X-Firebase-Auth-Token": "garbage" },
      execute: { operationName: "Rooms" },
    });
    expect((await client.frame("1")).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    client.close();
  });

  it("answers NOT_FOUND for an unknown operation", async () => {
    const client = await connect();
    client.send({ requestId: "1", execute: { operationName: "Nope" } });
    expect((await client.frame("1")).errors?.[0]).toMatchObject({
      message: "operation Nope not found in connector chat",
      extensions: { code: "NOT_FOUND" },
    });
    client.close();
  });

  it("needs the connector's name on the first message", async () => {
    const client = await connect();
    client.raw(JSON.stringify({ requestId: "1", execute: { operationName: "Rooms" } }));
    expect((await client.frame("1")).errors?.[0]?.extensions?.code).toBe("INVALID_ARGUMENT");
    client.close();
  });

  it("answers INVALID_ARGUMENT to a message with two verbs", async () => {
    const client = await connect();
    client.send({ requestId: "1", execute: { operationName: "Rooms" }, cancel: {} });
    expect((await client.frame("1")).errors?.[0]?.message).toMatch(
      /exactly one of execute, subscribe, resume, cancel/,
    );
    client.close();
  });

  it("closes the stream (1007) on a message that is not JSON", async () => {
    const client = await connect();
    client.raw("{not json");
    expect((await client.closed).code).toBe(1007);
  });

  it("closes the stream (1008) on a message without a request id", async () => {
    const client = await connect();
    client.raw(JSON.stringify({ name: NAME, execute: { operationName: "Rooms" } }));
    expect((await client.closed).code).toBe(1008);
  });
});

describe("limits, as on unary calls", () => {
  it("closes the stream (1007) on a message nested deeper than 64 levels, before parsing it", async () => {
    const client = await connect();
    client.raw(`${"[".repeat(65)}${"]".repeat(65)}`);
    expect(await client.closed).toMatchObject({ code: 1007, reason: expect.stringMatching(/64 levels/) });
  });

  it("refuses variables over 1 MiB (INVALID_ARGUMENT), and a subscription with them for good", async () => {
    const client = await connect();
    const variables = { name: "x".repeat(1024 * 1024 + 1) };
    client.send({ requestId: "1", execute: { operationName: "AddRoom", variables } });
    expect((await client.frame("1")).errors?.[0]).toMatchObject({
      message: expect.stringMatching(/variables are larger than/),
      extensions: { code: "INVALID_ARGUMENT" },
    });
    client.send({ requestId: "2", subscribe: { operationName: "GetRoom", variables } });
    expect(await client.frame("2")).toMatchObject({
      cancelled: true,
      errors: [{ extensions: { code: "INVALID_ARGUMENT" } }],
    });
    client.close();
  });

  it("refuses variables nested deeper than 32 levels", async () => {
    const client = await connect();
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    client.send({ requestId: "1", execute: { operationName: "Rooms", variables: { deep } } });
    expect((await client.frame("1")).errors?.[0]?.message).toMatch(/deeper than 32 levels/);
    client.close();
  });

  /** A stream endpoint of its own (no service behind it), with the given options. */
  async function bareStreams(options: Partial<Parameters<typeof createStreamServer>[0]>) {
    const services = new ServiceHolder();
    const streams = createStreamServer({
      services,
      hub: new RefreshHub({ services, log: silentLogger }),
      log: silentLogger,
      allowBrowser: () => true,
      ...options,
    });
    const server = http
      .createServer()
      .on("upgrade", (req, socket, head) => streams.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      port: (server.address() as AddressInfo).port,
      async close() {
        await streams.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  it("holds an execute's message against the budget HTTP bodies share, and refuses it past that", async () => {
    const budget = new BodyBudget(1000);
    const bare = await bareStreams({ budget });
    try {
      budget.take(900); // what bodies in flight hold now
      const client = await connect({ port: bare.port });
      client.send({
        requestId: "1",
        execute: { operationName: "Rooms", variables: { pad: "x".repeat(200) } },
      });
      expect((await client.frame("1")).errors?.[0]).toMatchObject({
        message: expect.stringMatching(/too many large requests/),
        extensions: { code: "RESOURCE_EXHAUSTED" },
      });
      budget.give(900);
      client.send({
        requestId: "2",
        execute: { operationName: "Rooms", variables: { pad: "x".repeat(200) } },
      });
      // Taken from the budget, run (no service here: UNAVAILABLE), and given back.
      expect((await client.frame("2")).errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
      expect(budget.used).toBe(0);
      client.close();
    } finally {
      await bare.close();
    }
  });

  it("bounds the bytes a stream's subscriptions hold, and frees them when one is cancelled", async () => {
    const bare = await bareStreams({ limits: { maxSubscriptionBytes: 600 } });
    const port = bare.port;
    try {
      const client = await connect({ port });
      const subscribe = (requestId: string) =>
        client.send({
          requestId,
          subscribe: { operationName: "Rooms", variables: { pad: "x".repeat(200) } },
        });
      subscribe("1");
      subscribe("2");
      expect(await client.frame("2")).toMatchObject({
        cancelled: true,
        errors: [{ extensions: { code: "RESOURCE_EXHAUSTED" } }],
      });
      client.send({ requestId: "1", cancel: {} });
      subscribe("3");
      // Accepted: its first run is attempted (no service here, so it is told UNAVAILABLE and kept).
      expect((await client.frame("3")).errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
      client.close();
    } finally {
      await bare.close();
    }
  });
});

describe("keepalive", () => {
  it("drops a client that stops answering pings, and keeps one that answers", async () => {
    const silent = await connect({ autoPong: false });
    const lively = await connect();
    expect((await silent.closed).code).toBe(1006);
    expect(lively.ws.readyState).toBe(WebSocket.OPEN);
    lively.close();
  });
});
