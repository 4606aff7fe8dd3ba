import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { type EarlyListeners, listenEarly } from "../../src/protocol/early.ts";

let early: EarlyListeners | undefined;
afterEach(() => early?.listeners.close());

describe("listenEarly", () => {
  it("answers /emulator/info at once, before the engine is there", async () => {
    early = await listenEarly([{ host: "127.0.0.1", port: 0 }], "1.2.3");
    const res = await fetch(`${early.listeners.addresses[0]!.url}/emulator/info`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: "1.2.3", services: [] });
  });

  it("holds other requests, then hands them to the handler it is given", async () => {
    early = await listenEarly([{ host: "127.0.0.1", port: 0 }], "1.2.3");
    const configure = fetch(`${early.listeners.addresses[0]!.url}/emulator/configure`, {
      method: "POST",
      body: JSON.stringify({ connectionString: "postgres://h/db" }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    early.serve((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => res.end(`served ${req.url} ${body}`));
    });
    expect(await (await configure).text()).toBe(
      'served /emulator/configure {"connectionString":"postgres://h/db"}',
    );
  });

  it("does not serve /emulator/info to web pages", async () => {
    early = await listenEarly([{ host: "127.0.0.1", port: 0 }], "1.2.3");
    const res = await fetch(`${early.listeners.addresses[0]!.url}/emulator/info`, {
      headers: { Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
  });

  it("holds a WebSocket upgrade (the realtime stream) and hands it to the stream endpoint it is given", async () => {
    early = await listenEarly([{ host: "127.0.0.1", port: 0 }], "1.2.3");
    const ws = new WebSocket(`ws://127.0.0.1:${early.listeners.addresses[0]!.port}/ws/stream`);
    const opened = new Promise<string>((resolve, reject) => {
      ws.on("message", (data) => resolve(String(data)));
      ws.on("error", reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const wss = new WebSocketServer({ noServer: true });
    early.serve(
      (_req, res) => res.end(),
      (req, socket, head) =>
        wss.handleUpgrade(req, socket, head, (client) => client.send(`served ${req.url}`)),
    );
    expect(await opened).toBe("served /ws/stream");
    ws.close();
    wss.close();
  });

  it("answers 404 to upgrades once serving without a stream endpoint", async () => {
    early = await listenEarly([{ host: "127.0.0.1", port: 0 }], "1.2.3");
    early.serve((_req, res) => res.end());
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${early!.listeners.addresses[0]!.port}/ws/stream`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", () => {});
    });
    expect(status).toBe(404);
  });
});
