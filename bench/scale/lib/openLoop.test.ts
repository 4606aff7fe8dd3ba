import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Client, runOpenLoop } from "./openLoop.ts";

let server: http.Server;
let url: string;
let stallFirst = true;
beforeAll(async () => {
  // Answers at once, except the very first request, which it holds for 300 ms.
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const delay = stallFirst ? 300 : 0;
      stallFirst = false;
      setTimeout(() => res.end(JSON.stringify({ data: {} })), delay);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/svc`;
});
afterAll(() => new Promise((r) => server.close(r)));

it("counts the time requests waited behind a stall (latency from due time, not send time)", async () => {
  const client = new Client(url, 1);
  // 100/s on one connection for 0.4 s: the first answer takes 300 ms, so the next ~30 requests were
  // due while it stalled. Measured from send time they would all look instant.
  const result = await runOpenLoop(client, { rate: 100, seconds: 0.4, connections: 1 }, () => ({
    path: "/x",
    body: {},
  }));
  client.close();
  expect(result.offered).toBe(40);
  expect(result.errorCount).toBe(0);
  expect(result.latency.max).toBeGreaterThanOrEqual(290);
  expect(result.latency.p50).toBeGreaterThan(100);
});

it("reports answers that are not 200, and checks the body", async () => {
  const client = new Client(url, 2);
  const result = await runOpenLoop(client, { rate: 50, seconds: 0.1, connections: 2 }, () => ({
    path: "/x",
    body: {},
    page: { max: 20 },
  }));
  client.close();
  expect(result.errorCount).toBe(5);
  expect([...result.errors.keys()]).toEqual(["no _select rows"]);
});
