import net from "node:net";
import type { Random } from "./random.ts";
import { type FuzzContext, type FuzzTarget, withTimeout } from "./target.ts";

/** Paths worth starting from: every REST route the engine serves (extend as routes are added). */
function knownPaths(project: string): string[] {
  const db = `/v1/projects/${project}/databases/(default)`;
  return [
    "/",
    `/emulator/v1/projects/${project}/databases/(default)/documents`,
    `${db}/documents/c/d`,
    `${db}/documents:commit`,
    `${db}/documents:runQuery`,
    `${db}/documents:batchGet`,
    `${db}/documents/c`,
    "/google.firestore.v1.Firestore/Listen/channel",
  ];
}

function mutatePath(rng: Random, path: string): string {
  switch (rng.int(0, 7)) {
    case 0:
      return path;
    case 1: {
      const at = rng.int(0, path.length);
      return (
        path.slice(0, at) +
        rng.pick(["%E0%A4%A", "%", "%%", "%zz", "%00", "%C0%AF", "%ED%A0%80"]) +
        path.slice(at)
      );
    }
    case 2:
      return `${path}/${"a".repeat(rng.pick([100, 5000, 70_000]))}`;
    case 3:
      return path.replaceAll("/", rng.pick(["//", "/../", "/./", "\\"]));
    case 4:
      return `${path}?${rng.pick(["", "a=%", "mask.fieldPaths=%E0", "x".repeat(9000)])}`;
    case 5:
      return rng.pick(["*", "http://[::1", "//", "", " "]);
    case 6:
      return path + rng.string();
    default:
      return rng.bytes(rng.int(1, 40)).toString("latin1");
  }
}

function headerBlock(rng: Random, bodyLength: number): string {
  const lines = ["Host: localhost"];
  if (rng.chance(0.7))
    lines.push(
      `Content-Length: ${rng.chance(0.8) ? bodyLength : rng.pick(["-1", "99999999999", "abc", "10, 20", "20000000"])}`,
    );
  if (rng.chance(0.15)) lines.push("Transfer-Encoding: chunked");
  if (rng.chance(0.3))
    lines.push(
      `Content-Type: ${rng.pick(["application/json", "application/x-www-form-urlencoded", "text/plain", "application/json; charset=latin1"])}`,
    );
  if (rng.chance(0.1)) lines.push(`X-Long: ${"h".repeat(rng.pick([100, 20_000, 70_000]))}`);
  if (rng.chance(0.1))
    lines.push(rng.pick(["no colon here", ": empty name", "Bad\u0000Header: x", "X: \r\n folded"]));
  if (rng.chance(0.1)) for (let i = 0; i < 200; i++) lines.push(`X-Many-${i}: ${i}`);
  if (rng.chance(0.2)) lines.push(`Connection: ${rng.pick(["close", "keep-alive", "Upgrade"])}`);
  return lines.join("\r\n");
}

function body(rng: Random): Buffer {
  switch (rng.int(0, 5)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return Buffer.from(
        JSON.stringify({
          writes: [{ update: { name: rng.string(), fields: { a: { stringValue: rng.string() } } } }],
        }),
      );
    case 2:
      return Buffer.from(`{"a":${"[".repeat(rng.pick([10, 5000]))}`);
    case 3:
      return rng.bytes(rng.int(1, 512));
    case 4:
      return Buffer.from("0\r\n\r\n5\r\nhello\r\nzz\r\n");
    default:
      return Buffer.from('{"structuredQuery":{"from":[{"collectionId":"c"}],"where":{"fieldFilter":{}}}}');
  }
}

/** Raw HTTP/1.1 requests over TCP: bad URLs, methods, headers, lengths and bodies. */
export function restTarget(context: FuzzContext): FuzzTarget {
  const paths = knownPaths(context.project);
  return {
    name: "REST",
    close: () => {},
    send: (rng) => {
      const method = rng.chance(0.85)
        ? rng.pick(["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD"])
        : rng.string();
      const payload = body(rng);
      const head = `${method} ${mutatePath(rng, rng.pick(paths))} HTTP/1.1\r\n${headerBlock(rng, payload.length)}\r\n\r\n`;
      const slow = rng.chance(0.05);
      const outcome = new Promise<string>((resolve) => {
        const socket = net.connect(context.port, context.host);
        let response = "";
        socket.on("data", (d) => {
          response += d.toString("latin1");
        });
        socket.on("error", () => resolve("REST connection error"));
        socket.on("close", () => resolve(`REST ${/^HTTP\/1\.1 (\d+)/.exec(response)?.[1] ?? "closed"}`));
        socket.on("connect", () => {
          if (slow) {
            // Dribble the headers (a slow-loris client); the engine's header timeout cuts it off.
            socket.write(head.slice(0, 10));
          } else {
            socket.write(head);
            socket.end(payload);
          }
        });
        setTimeout(() => socket.destroy(), slow ? 1500 : 3000);
      });
      return withTimeout(outcome, 6000, "REST no answer");
    },
  };
}
