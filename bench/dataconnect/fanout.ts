// Realtime fan-out: 1,000 open subscriptions (one stream each, as 1,000 browsers), one mutation, and the
// time until the last subscriber has the new result, with the engine's CPU per refresh. The emulator runs
// as firebase-tools runs it (its own process, embedded PGlite), so its CPU is measured apart from the
// clients'; the clients speak the web SDK's stream protocol directly (a raw WebSocket each), so that 1,000
// SDK instances do not slow the receiving side. Five shapes of subscription, side by side:
//   same query, signed out              one query run serves every subscriber
//   same public query, 1,000 users      the query reads no auth: after the first run, one run serves all
//   query reading auth, 1,000 users     one run per subscriber, each with its own identity
//   1,000 rooms, one changed            the condition is checked for every subscriber, one is refreshed
//   1,000 key lookups, one updated      implicit refresh: the entity index finds the one subscriber
// node bench/dataconnect/fanout.ts [subscribers] [rounds]
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { summarize } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const SUBSCRIBERS = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 20);
const here = path.dirname(fileURLToPath(import.meta.url));
const binary = path.resolve(here, "../../packages/dataconnect-emulator/bin/dataconnect-emulator");

const SCHEMA = `type Room @table { name: String! }
type Message @table { room: Room! author: String! text: String! }
`;
const CONNECTOR = `query RoomMessages($roomId: UUID!) @auth(level: PUBLIC, insecureReason: "benchmark")
  @refresh(onMutationExecuted: { operation: "SendMessage", condition: "mutation.variables.roomId == request.variables.roomId" }) {
  messages(where: { roomId: { eq: $roomId } }, orderBy: { text: DESC }, limit: 5) { text author }
}
query OthersMessages($roomId: UUID!) @auth(level: PUBLIC, insecureReason: "benchmark")
  @refresh(onMutationExecuted: { operation: "SendMessage", condition: "mutation.variables.roomId == request.variables.roomId" }) {
  messages(where: { roomId: { eq: $roomId }, author: { ne_expr: "auth.uid" } }, orderBy: { text: DESC }, limit: 5) { text author }
}
query GetRoom($id: UUID!) @auth(level: PUBLIC, insecureReason: "benchmark") { room(id: $id) { name } }
mutation SendMessage($roomId: UUID!, $text: String!) @auth(level: PUBLIC, insecureReason: "benchmark") {
  message_insert(data: { roomId: $roomId, author: "bench", text: $text })
}
mutation RenameRoom($id: UUID!, $name: String!) @auth(level: PUBLIC, insecureReason: "benchmark") {
  room_update(id: $id, data: { name: $name })
}
`;

const dir = await mkdtemp(path.join(tmpdir(), "fanout-"));
await mkdir(path.join(dir, "schema"));
await mkdir(path.join(dir, "connector"));
await writeFile(
  path.join(dir, "dataconnect.yaml"),
  'specVersion: "v1"\nserviceId: "bench"\nlocation: "us-central1"\nschema:\n  source: "./schema"\n  datasource:\n    postgresql:\n      database: "fdcdb"\nconnectorDirs: ["./connector"]\n',
);
await writeFile(path.join(dir, "schema/schema.gql"), SCHEMA);
await writeFile(
  path.join(dir, "connector/connector.yaml"),
  'connectorId: "chat"\ngenerate:\n  javascriptSdk:\n    outputDir: "../out"\n    package: "@bench/chat"\n    clientCache:\n      maxAge: 5s\n',
);
await writeFile(path.join(dir, "connector/chat.gql"), CONNECTOR);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const emulator = spawn(
  binary,
  ["dev", `--config_dir=${dir}`, `--listen=127.0.0.1:${port}`, "--standalone_after_ms=0", "--watch=false"],
  { stdio: ["ignore", "ignore", "pipe"] },
);
// The emulator must not outlive the benchmark, however it ends.
process.on("exit", () => emulator.kill("SIGKILL"));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(1));
await waitForServing(emulator);

const STREAM = `ws://127.0.0.1:${port}/ws/google.firebase.dataconnect.v1.ConnectorStreamService.Connect/demo/locations/us-central1/services/bench`;
const NAME = "projects/demo/locations/us-central1/services/bench/connectors/chat";

const rooms = await admin<{ room_insertMany: { id: string }[] }>(
  `mutation($data: [Room_Data!]!) { room_insertMany(data: $data) }`,
  { data: Array.from({ length: SUBSCRIBERS }, (_, i) => ({ name: `room-${i}` })) },
).then((d) => d.room_insertMany.map((r) => r.id));

interface Scenario {
  name: string;
  /** What subscriber `i` subscribes to, and with which token (undefined = signed out). */
  subscribe(i: number): { operationName: string; variables: Record<string, unknown>; token?: string };
  /** The mutation of round `r` and the text that marks its result. */
  mutate(r: number): { operationName: string; variables: Record<string, unknown>; marker: string };
  /** Subscribers that must see round `r`'s result. */
  affected(r: number): number[];
}

let marks = 0;
const everyone = Array.from({ length: SUBSCRIBERS }, (_, i) => i);
const scenarios: Scenario[] = [
  {
    name: "same query, signed out",
    subscribe: () => ({ operationName: "RoomMessages", variables: { roomId: rooms[0] } }),
    mutate: () => ({
      operationName: "SendMessage",
      variables: { roomId: rooms[0], text: mark() },
      marker: last(),
    }),
    affected: () => everyone,
  },
  {
    name: `same public query, ${SUBSCRIBERS} users`,
    subscribe: (i) => ({
      operationName: "RoomMessages",
      variables: { roomId: rooms[1] },
      token: idToken(`user-${i}`),
    }),
    mutate: () => ({
      operationName: "SendMessage",
      variables: { roomId: rooms[1], text: mark() },
      marker: last(),
    }),
    affected: () => everyone,
  },
  {
    name: `query reading auth, ${SUBSCRIBERS} users`,
    subscribe: (i) => ({
      operationName: "OthersMessages",
      variables: { roomId: rooms[2] },
      token: idToken(`user-${i}`),
    }),
    mutate: () => ({
      operationName: "SendMessage",
      variables: { roomId: rooms[2], text: mark() },
      marker: last(),
    }),
    affected: () => everyone,
  },
  {
    name: `${SUBSCRIBERS} rooms, one changed`,
    subscribe: (i) => ({ operationName: "RoomMessages", variables: { roomId: rooms[i] } }),
    mutate: (r) => ({
      operationName: "SendMessage",
      variables: { roomId: rooms[r % SUBSCRIBERS], text: mark() },
      marker: last(),
    }),
    affected: (r) => [r % SUBSCRIBERS],
  },
  {
    name: `${SUBSCRIBERS} key lookups, one updated`,
    subscribe: (i) => ({ operationName: "GetRoom", variables: { id: rooms[i] } }),
    mutate: (r) => ({
      operationName: "RenameRoom",
      variables: { id: rooms[r % SUBSCRIBERS], name: mark() },
      marker: last(),
    }),
    affected: (r) => [r % SUBSCRIBERS],
  },
];

const rows: (string | number)[][] = [];
for (const scenario of scenarios) {
  const clients = await openSubscribers(scenario);
  const lastDelivery: number[] = [];
  const everyDelivery: number[] = [];
  const cpuBefore = cpuMs(emulator.pid!);
  let refreshed = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const { operationName, variables, marker } = scenario.mutate(r);
    const affected = scenario.affected(r);
    const arrivals = withTimeout(
      Promise.all(affected.map((i) => clients[i]!.waitFor(marker))),
      60_000,
      `${scenario.name}: round ${r} not delivered to every affected subscriber`,
    );
    const t0 = performance.now();
    await connectorCall("executeMutation", operationName, variables);
    const times = (await arrivals).map((t) => t - t0);
    everyDelivery.push(...times);
    lastDelivery.push(Math.max(...times));
    refreshed += affected.length;
  }
  const cpu = cpuMs(emulator.pid!) - cpuBefore;
  const last = summarize(lastDelivery);
  const each = summarize(everyDelivery);
  console.error(
    `${scenario.name}: last p50 ${summarize(lastDelivery).p50.toFixed(1)} ms, CPU ${(cpu / ROUNDS).toFixed(1)} ms/mutation`,
  );
  rows.push([
    scenario.name,
    refreshed / ROUNDS,
    last.p50,
    last.p99,
    each.p50,
    cpu / ROUNDS,
    (cpu / refreshed) * 1000,
  ]);
  for (const client of clients) client.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
}

console.log(
  `\n${SUBSCRIBERS} subscribers (one stream each), ${ROUNDS} mutations per row, emulator on embedded PGlite in its own process\n`,
);
console.log(
  formatTable(
    [
      "subscriptions",
      "refreshed/mutation",
      "last p50 ms",
      "last p99 ms",
      "each p50 ms",
      "engine CPU ms/mutation",
      "CPU µs/refresh",
    ],
    rows,
    1,
  ),
);
console.log(
  "\nlast: mutation sent → the last affected subscriber has the new result; each: per subscriber. CPU: the emulator process's user+system time over the rows' mutations (mutation, refresh queries, fan-out), /proc clock ticks.",
);

emulator.kill("SIGTERM");
await new Promise((resolve) => emulator.once("exit", resolve));
await rm(dir, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------------

/** A new marker for a mutation's text: one sequence for the whole run, so newer markers sort higher. */
function mark(): string {
  marks += 1;
  return last();
}

function last(): string {
  return `m${String(marks).padStart(6, "0")}`;
}

/** A subscriber's stream: waits for a result frame containing a marker. */
interface Subscriber {
  waitFor(marker: string): Promise<number>;
  close(): void;
}

async function openSubscribers(scenario: Scenario): Promise<Subscriber[]> {
  const out: Subscriber[] = [];
  // Open in batches, as browsers would arrive: a thousand handshakes at once only measure the accept queue.
  for (let start = 0; start < SUBSCRIBERS; start += 100) {
    const batch = await Promise.all(
      everyone.slice(start, start + 100).map((i) => openSubscriber(scenario.subscribe(i))),
    );
    out.push(...batch);
  }
  return out;
}

function openSubscriber(request: ReturnType<Scenario["subscribe"]>): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(STREAM, { perMessageDeflate: false });
    let waiting: { marker: string; resolve: (t: number) => void } | undefined;
    let first: (() => void) | undefined;
    ws.on("message", (data: Buffer) => {
      const now = performance.now();
      if (first) {
        const f = first;
        first = undefined;
        f();
        return;
      }
      if (waiting && data.includes(waiting.marker)) {
        const w = waiting;
        waiting = undefined;
        w.resolve(now);
      }
    });
    ws.on("error", reject);
    ws.on("open", () => {
      first = () =>
        resolve({
          waitFor: (marker) => new Promise((res) => (waiting = { marker, resolve: res })),
          close: () => ws.close(),
        });
      ws.send(
        JSON.stringify({
          requestId: "1",
          name: NAME,
          headers: request.token ? { "X-Firebase-Auth-Token": request.token } : {},
          subscribe: { operationName: request.operationName, variables: request.variables },
        }),
      );
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function admin<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${base}/v1/projects/demo/locations/us-central1/services/bench:executeGraphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function connectorCall(verb: string, operationName: string, variables: Record<string, unknown>) {
  const res = await fetch(
    `${base}/v1/projects/demo/locations/us-central1/services/bench/connectors/chat:${verb}`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ operationName, variables }),
    },
  );
  const body = (await res.json()) as { errors?: unknown[] };
  if (!res.ok || body.errors?.length)
    throw new Error(`${operationName}: ${res.status} ${JSON.stringify(body)}`);
}

function idToken(uid: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: uid, user_id: uid, firebase: { sign_in_provider: "password" } })}.`;
}

/** User + system CPU time of process `pid` so far, in ms (from /proc: Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3, utime 14 and stime 15 (1-based) → indexes 11 and 12 here.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // CLK_TCK is 100 on Linux
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForServing(child: ChildProcess): Promise<void> {
  let log = "";
  child.stderr!.on("data", (chunk) => {
    log += chunk;
  });
  child.once("exit", (code) => {
    throw new Error(`the emulator exited (${code}):\n${log}`);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(
        `${base}/v1/projects/demo/locations/us-central1/services/bench:executeGraphqlRead`,
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ query: "{ rooms(limit: 1) { id } }" }),
        },
      );
      if (res.ok) {
        child.removeAllListeners("exit");
        return;
      }
    } catch {}
    if (Date.now() > deadline) throw new Error(`the emulator did not serve within 60 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
