import http from "node:http";
import net from "node:net";
import { mutateBytes, type Random } from "./random.ts";
import { RequestGenerator, toProto3Json } from "./requests.ts";
import { type FuzzContext, type FuzzTarget, withTimeout } from "./target.ts";

const CHANNEL_METHODS = ["Listen", "Write"] as const;
type ChannelMethod = (typeof CHANNEL_METHODS)[number];

/** A session the engine opened for us, with what a real client would track about it. */
interface Session {
  readonly method: ChannelMethod;
  readonly sid: string;
  /** The id of the next client message ("map"). */
  nextMap: number;
  rid: number;
  /** The last server array seen on a back channel (what `AID` acknowledges). */
  lastArrayId: number;
}

/** What came back for one HTTP request: its status (0: none) and body, or that the connection failed. */
interface Answer {
  readonly status: number;
  readonly body: string;
  /** The request was held open on purpose and dropped by us. */
  readonly held: boolean;
  /** Nothing came back within ANSWER_MS. */
  readonly silent: boolean;
  /** The connection failed: its error code, or "unsendable" for a request Node's client refuses to send. */
  readonly error?: string;
}

const MAX_SESSIONS = 24;
const MAX_BODY_KEPT = 1 << 20;
/** How long a request may go unanswered (unless we hold it open on purpose) before it counts as a hang. */
const ANSWER_MS = 6000;
const channelPath = (method: string) => `/google.firestore.v1.Firestore/${method}/channel`;

/** One HTTP/1.1 request on its own connection; with `holdMs`, dropped by us after that long. */
function request(
  context: FuzzContext,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  headers: Record<string, string>,
  holdMs?: number,
): Promise<Answer> {
  return new Promise((resolve) => {
    let status = 0;
    let text = "";
    let timer: NodeJS.Timeout | undefined;
    const finish = (answer: Partial<Answer>) => {
      clearTimeout(timer);
      resolve({ status, body: text, held: false, silent: false, ...answer });
    };
    let req: http.ClientRequest;
    try {
      req = http.request({ host: context.host, port: context.port, method, path, headers, agent: false });
    } catch {
      // A path or header Node's client will not send: the raw target covers those bytes.
      finish({ error: "unsendable" });
      return;
    }
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => {
        if (text.length < MAX_BODY_KEPT) text += chunk;
      });
      res.on("end", () => finish({}));
      res.on("error", (e: NodeJS.ErrnoException) => finish({ error: e.code ?? "error" }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => finish({ error: e.code ?? "error" }));
    timer = setTimeout(() => {
      req.destroy();
      finish(holdMs === undefined ? { silent: true } : { held: true });
    }, holdMs ?? ANSWER_MS);
    req.end(body);
  });
}

/** A short label of an answer; one that never came ends in "no answer" (a failure of the fuzz test). */
function outcome(answer: Answer): string {
  if (answer.silent) return "no answer";
  // An answer followed by a closed connection (the engine answered without reading a body) is the answer.
  if (answer.error) return answer.status ? `${answer.status} ${answer.error}` : answer.error;
  return answer.held ? `${answer.status || "silent"} held` : String(answer.status);
}

/** Raw bytes over TCP; resolves with the response's status line once the engine closes or after 2 s. */
function rawRequest(context: FuzzContext, data: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(context.port, context.host);
    let head = "";
    const done = () => resolve(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? "closed");
    socket.on("data", (d) => {
      if (head.length < 64) head += d.toString("latin1");
    });
    socket.on("error", () => resolve("reset"));
    socket.on("close", done);
    socket.on("connect", () => socket.end(data));
    setTimeout(() => socket.destroy(), 2000);
  });
}

/** Server arrays in a WebChannel response body (`len\njson` chunks); whatever does not parse is skipped. */
function arraysOf(body: string): unknown[][] {
  const arrays: unknown[][] = [];
  let at = 0;
  while (at < body.length) {
    const nl = body.indexOf("\n", at);
    if (nl < 0) break;
    const length = Number(body.slice(at, nl));
    if (!Number.isInteger(length) || length < 0) break;
    try {
      const chunk = JSON.parse(body.slice(nl + 1, nl + 1 + length)) as unknown;
      if (Array.isArray(chunk)) arrays.push(...chunk.filter(Array.isArray));
    } catch {
      break;
    }
    at = nl + 1 + length;
  }
  return arrays;
}

/** A client message: a plausible Listen/Write request in proto3 JSON, or something that is not one. */
function messageText(rng: Random, method: ChannelMethod, project: string, first: boolean): string {
  const generator = new RequestGenerator(rng, project);
  const db = `projects/${project}/databases/(default)`;
  const plain =
    method === "Write" && first && rng.chance(0.8)
      ? JSON.stringify({ database: rng.chance(0.9) ? db : generator.database() })
      : toProto3Json(generator.request(method));
  switch (rng.int(0, 14)) {
    case 0:
      return mutateBytes(rng, Buffer.from(plain)).toString(rng.pick(["utf8", "latin1"]));
    case 1:
      return rng.pick(["", "null", "[]", "1", '"x"', "{", '{"database":', "{}", "true", '{"__proto__":{}}']);
    case 2:
      return `${"[".repeat(rng.pick([100, 100_000]))}`;
    case 3:
      return JSON.stringify({
        database: db,
        addTarget: { targetId: 1, documents: { documents: [rng.string()] } },
      });
    case 4:
      return plain.replace(/"[a-z]+Value"/, `"${rng.string()}"`);
    default:
      return plain;
  }
}

/** Percent-encodes text as a browser's form encoding would: lone surrogates become U+FFFD first. */
const formEncode = (text: string) => encodeURIComponent(Buffer.from(text).toString());

/** A forward-channel body: `count`, `ofs` and `reqN___data__` maps, often right, sometimes not. */
function forwardBody(rng: Random, maps: readonly string[], offset: number, headers?: string): string {
  const encode = rng.chance(0.92) ? formEncode : (s: string) => s;
  const parts: string[] = [];
  if (headers !== undefined) parts.push(`headers=${encode(headers)}`);
  const count = rng.chance(0.85)
    ? String(maps.length)
    : rng.pick([
        "",
        "-1",
        "1001",
        "1000",
        "1e3",
        "0x10",
        "2.5",
        "NaN",
        String(maps.length + 1),
        "999999999999",
      ]);
  if (rng.chance(0.97)) parts.push(`count=${count}`);
  const ofs = rng.chance(0.85)
    ? String(offset)
    : rng.pick(["", "-1", "x", "1e308", String(2 ** 53), String(offset + rng.int(1, 2000)), "0"]);
  if (rng.chance(0.95)) parts.push(`ofs=${ofs}`);
  for (const [i, json] of maps.entries()) {
    const key = rng.chance(0.95)
      ? `req${i}___data__`
      : rng.pick([`req${i}_type`, `req${i}_key`, `req${i + 1}___data__`]);
    parts.push(`${key}=${key.endsWith("_type") ? "_badmap" : encode(json)}`);
  }
  if (rng.chance(0.05)) parts.push(rng.pick(["%E0%A4%A", "%", "=&=&&", "req0___data__=%zz", "\u0000"]));
  if (rng.chance(0.1)) parts.reverse();
  return parts.join("&");
}

/** Init headers as the SDK encodes them into the handshake (`Name:value\r\n`), sometimes malformed. */
function initHeaders(rng: Random): string | undefined {
  if (rng.chance(0.5)) return undefined;
  const lines = ["X-Goog-Api-Client:gl-js/ fire/12.0.0", "Content-Type:text/plain"];
  if (rng.chance(0.4)) lines.push(`Authorization:Bearer ${rng.string()}`);
  if (rng.chance(0.2))
    lines.push(rng.pick(["no colon", ":empty", "Bad Name:x", "x-bin:AAAA", "X:\u0000\u0001"]));
  if (rng.chance(0.1)) lines.push(`X-Long:${"v".repeat(70_000)}`);
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * WebChannel, the transport the web SDK's Listen and Write streams use in browsers: handshakes with
 * plausible and mutated first messages, forward POSTs on live sessions (right, repeated, skipped and
 * absurd `ofs`/`count`/`AID`, bad JSON, bad form encoding), back channels (streaming and long polls)
 * held open then dropped, terminates, wrong methods and paths, random session ids, and byte-mutated
 * requests over raw TCP. Live sessions are kept between sends so later requests reach deep states.
 */
export function webchannelTarget(context: FuzzContext): FuzzTarget {
  const sessions: Session[] = [];
  const url = (method: string, params: string) => `${channelPath(method)}?${params}`;
  const formHeaders = { "content-type": "application/x-www-form-urlencoded" };

  const forget = (session: Session) => {
    const at = sessions.indexOf(session);
    if (at >= 0) sessions.splice(at, 1);
  };
  const terminate = (session: Session) =>
    request(
      context,
      "POST",
      url(session.method, `VER=8&SID=${session.sid}&RID=${session.rid++}&TYPE=terminate`),
      "",
      {},
    );
  const randomSid = (rng: Random) =>
    rng.pick(["", "nope", "x".repeat(5000), "%E0%A4%A", rng.string(), "AAAAAAAAAAAAAAAAAAAAAAAA"]);

  const handshake = async (rng: Random): Promise<string> => {
    const method = rng.chance(0.95)
      ? rng.pick(CHANNEL_METHODS)
      : rng.pick(["Commit", "RunQuery", "Nope", ""]);
    const maps = Array.from({ length: rng.pick([1, 1, 1, 0, 2, 3]) }, (_, i) =>
      messageText(rng, method as ChannelMethod, context.project, i === 0),
    );
    const params = ["VER=8", `RID=${rng.int(1, 99999)}`, "CVER=22", "X-HTTP-Session-Id=gsessionid", "t=1"];
    if (rng.chance(0.1)) params.push(`$httpHeaders=${formEncode(initHeaders(rng) ?? "a:b")}`);
    if (rng.chance(0.05)) params.push(rng.pick(["VER=99", "SID=", "TYPE=init", "CI=1", "AID=5"]));
    const answer = await request(
      context,
      rng.chance(0.97) ? "POST" : rng.pick(["PUT", "PATCH", "GET"]),
      url(method, params.join("&")),
      forwardBody(rng, maps, 0, initHeaders(rng)),
      formHeaders,
    );
    const sid = answer.status === 200 ? /\[0,\["c","([^"]+)"/.exec(answer.body)?.[1] : undefined;
    if (sid && (method === "Listen" || method === "Write")) {
      sessions.push({ method, sid, nextMap: maps.length, rid: 100, lastArrayId: 0 });
      if (sessions.length > MAX_SESSIONS) {
        const oldest = sessions.shift()!;
        // Most clients say goodbye (without waiting for the answer); the rest leave their session to idle out.
        if (rng.chance(0.8)) void terminate(oldest);
      }
    }
    return `handshake ${outcome(answer)}`;
  };

  const forward = async (rng: Random, session: Session): Promise<string> => {
    const maps = Array.from({ length: rng.pick([1, 1, 1, 2, 0, 5, 40]) }, () =>
      messageText(rng, session.method, context.project, false),
    );
    let offset = session.nextMap;
    if (rng.chance(0.15)) offset = rng.pick([0, Math.max(0, offset - 1), offset + rng.int(1, 1500)]);
    else session.nextMap += maps.length;
    const aid = rng.chance(0.8)
      ? String(session.lastArrayId)
      : rng.pick(["-1", "x", "1e20", String(session.lastArrayId + 1000), ""]);
    const params = `VER=8&SID=${session.sid}&RID=${rng.chance(0.9) ? session.rid++ : rng.int(-5, 5)}&AID=${aid}&t=1`;
    const path = rng.chance(0.95) ? session.method : session.method === "Listen" ? "Write" : "Listen";
    const method = rng.chance(0.95) ? "POST" : rng.pick(["PUT", "DELETE", "GET", "OPTIONS"]);
    const headers = rng.chance(0.9)
      ? formHeaders
      : { "content-type": rng.pick(["text/plain", "application/json"]) };
    const answer = await request(context, method, url(path, params), forwardBody(rng, maps, offset), headers);
    if (answer.body.includes("Unknown SID")) forget(session);
    return `forward ${outcome(answer)}`;
  };

  const backChannel = async (rng: Random, session: Session | undefined): Promise<string> => {
    const longPoll = rng.chance(0.6);
    const params = [
      "VER=8",
      "RID=rpc",
      `SID=${session ? session.sid : randomSid(rng)}`,
      `AID=${session && rng.chance(0.85) ? session.lastArrayId : rng.pick([-1, 0, 1e20, 99999])}`,
      `CI=${longPoll ? "1" : rng.pick(["0", "0", "x"])}`,
      "TYPE=xmlhttp",
      "t=1",
    ];
    if (rng.chance(0.3)) params.push(`TO=${rng.pick(["1", "0", "-5", "x", "300", "1e300"])}`);
    const answer = await request(
      context,
      rng.chance(0.95) ? "GET" : "POST",
      url(session?.method ?? rng.pick(CHANNEL_METHODS), params.join("&")),
      undefined,
      {},
      rng.int(0, longPoll ? 1500 : 800),
    );
    const arrays = arraysOf(answer.body);
    const last = arrays.at(-1)?.[0];
    if (session && typeof last === "number") session.lastArrayId = Math.max(session.lastArrayId, last);
    if (session && answer.body.includes("Unknown SID")) forget(session);
    return `back channel ${outcome(answer)}`;
  };

  const end = async (rng: Random, session: Session | undefined): Promise<string> => {
    if (session) forget(session);
    const params = `VER=8&SID=${session?.sid ?? randomSid(rng)}&RID=${rng.int(0, 999)}&TYPE=terminate`;
    const answer = await request(
      context,
      rng.chance(0.8) ? "POST" : "GET",
      url(session?.method ?? rng.pick(CHANNEL_METHODS), params),
      rng.chance(0.8) ? "" : forwardBody(rng, ["{}"], 0),
      {},
    );
    return `terminate ${outcome(answer)}`;
  };

  /** A valid-looking request of any kind, as raw bytes, byte-mutated (whole or body only). */
  const mutated = async (rng: Random, session: Session | undefined): Promise<string> => {
    const method = session?.method ?? rng.pick(CHANNEL_METHODS);
    const sid = session ? `&SID=${session.sid}&AID=${session.lastArrayId}` : "";
    const body = Buffer.from(
      forwardBody(rng, [messageText(rng, method, context.project, !session)], session?.nextMap ?? 0),
    );
    const mutateBody = rng.chance(0.5);
    const sent = mutateBody ? mutateBytes(rng, body) : body;
    const head = Buffer.from(
      `POST ${url(method, `VER=8&RID=${rng.int(1, 999)}${sid}&t=1`)} HTTP/1.1\r\nHost: localhost\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${sent.length}\r\nConnection: close\r\n\r\n`,
    );
    const data = mutateBody ? Buffer.concat([head, sent]) : mutateBytes(rng, Buffer.concat([head, sent]));
    return `raw ${await rawRequest(context, data)}`;
  };

  /** Picks what to send next: a request kind and, usually, one of the live sessions. */
  const step = (rng: Random): [kind: string, answer: Promise<string>] => {
    const session = sessions.length && rng.chance(0.9) ? rng.pick(sessions) : undefined;
    const roll = rng.next();
    if (roll < 0.2 || (!session && roll < 0.5)) return ["handshake", handshake(rng)];
    if (roll < 0.5) return ["forward", forward(rng, session!)];
    if (roll < 0.7) return ["back channel", backChannel(rng, session)];
    if (roll < 0.77) return ["terminate", end(rng, session)];
    return ["raw", mutated(rng, session)];
  };

  return {
    name: "WebChannel",
    close: () => {
      for (const session of sessions.splice(0)) void terminate(session);
    },
    send: (rng) => {
      const [kind, answer] = step(rng);
      return withTimeout(
        // A throw here is the fuzzer's own bug: it fails the test too, saying so.
        answer.then(
          (label) => `WebChannel ${label}`,
          (error: unknown) => `WebChannel ${kind}: the fuzzer threw ${String(error)}; no answer`,
        ),
        ANSWER_MS + 2000,
        `WebChannel ${kind} no answer`,
      );
    },
  };
}
