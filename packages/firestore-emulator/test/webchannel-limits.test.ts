// The browser transport's session handling and limits, on a stub service so each behaviour is visible.
import http from "node:http";
import type net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { httpFront } from "../src/http/front.ts";
import type { RpcCall, ServiceImplementation } from "../src/webchannel/rpc-call.ts";
import { browserTransport, type DEFAULT_BROWSER_LIMITS } from "../src/webchannel/transport.ts";
import { messagesOf, RawChannel } from "./webchannel-client.ts";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(
  implementation: ServiceImplementation,
  limits: Partial<typeof DEFAULT_BROWSER_LIMITS> = {},
) {
  const transport = browserTransport(implementation, limits);
  const server = http.createServer(httpFront([transport.route]));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const handle = {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    openChannels: transport.openChannels,
    close: () =>
      new Promise<void>((resolve) => {
        transport.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

/** A Listen handler answering each request with a NO_CHANGE whose cause carries `describe(call)`. */
function echoListen(describe: (call: RpcCall) => string, events: string[] = []): ServiceImplementation {
  return {
    Listen: (call: RpcCall) => {
      call.on("data", () =>
        call.write({
          targetChange: { targetChangeType: "NO_CHANGE", cause: { code: 0, message: describe(call) } },
        }),
      );
      call.on("cancelled", () => events.push("cancelled"));
    },
  };
}

const FIRST = { database: "projects/p/databases/(default)", removeTarget: 1 };

describe("browser sessions", () => {
  it("hand the handshake's headers to the handler as gRPC metadata", async () => {
    const server = await serve(echoListen((call) => String(call.metadata.get("authorization")[0])));
    const channel = await RawChannel.open(server.address, "Listen", FIRST, {
      headers: "Authorization:Bearer abc\r\n",
    });
    const [message] = messagesOf(await channel.poll());
    // proto3 JSON leaves out default values (NO_CHANGE, code 0), as production prints them.
    expect(message).toEqual({ targetChange: { cause: { message: "Bearer abc" } } });
  });

  it("refuse handshakes beyond the session limit", async () => {
    const server = await serve(
      echoListen(() => ""),
      { maxSessions: 1 },
    );
    await RawChannel.open(server.address, "Listen", FIRST);
    await expect(RawChannel.open(server.address, "Listen", FIRST)).rejects.toThrow(/503/);
  });

  it("end idle sessions and cancel their calls", async () => {
    const events: string[] = [];
    const server = await serve(
      echoListen(() => "", events),
      { sessionIdleMs: 50 },
    );
    const channel = await RawChannel.open(server.address, "Listen", FIRST);
    expect(server.openChannels()).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.openChannels()).toBe(0);
    expect(events).toEqual(["cancelled"]);
    await expect(channel.poll()).rejects.toThrow(/Unknown SID/);
  });

  it("answer a forward request whose session ended while its body was arriving as an unknown session", async () => {
    const received: string[] = [];
    const server = await serve(
      echoListen(() => {
        received.push("message");
        return "";
      }),
      { sessionIdleMs: 100 },
    );
    const channel = await RawChannel.open(server.address, "Listen", FIRST);
    const body = `count=1&ofs=1&req0___data__=${encodeURIComponent(JSON.stringify(FIRST))}`;
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        `${channel.url}?VER=8&SID=${channel.sid}&RID=5&AID=0`,
        {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => {
            text += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      // Half the body now, the rest after the session has idled out.
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 400);
    });
    const { status, text } = await answer;
    expect(status).toBe(400);
    expect(text).toContain("Unknown SID");
    expect(received).toEqual(["message"]); // the handshake's message only
  });

  it("refuse forward bodies over the size limit", async () => {
    const server = await serve(
      echoListen(() => ""),
      { maxBodyBytes: 1_000 },
    );
    const channel = await RawChannel.open(server.address, "Listen", FIRST);
    await expect(channel.send({ database: "x".repeat(2_000) })).rejects.toThrow(/413/);
  });

  it("serve only the bidirectional streams as channels", async () => {
    const server = await serve(echoListen(() => ""));
    const response = await fetch(
      `http://${server.address}/google.firestore.v1.Firestore/Commit/channel?VER=8&RID=1`,
      {
        method: "POST",
        body: "count=0",
      },
    );
    expect(response.status).toBe(404);
  });
});
