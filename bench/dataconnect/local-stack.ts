// GetMe and HomeFeed over HTTP on the local stack exactly as `npm start` runs it (our Data Connect engine
// behind firebase-tools, on firebase-tools' PGlite gateway, the demo graph), before and after issue #10,
// side by side; then the database link alone (where the time went), and the engine on an embedded PGlite
// of its own (the alternative that was weighed).
// Run: npm run bench -- dataconnect/local-stack    (REQUESTS=200 by default; ~8 minutes on 2 cores)
// ONLY=before,nagle,after,link,embedded (any of them) runs only those parts.
import { createRequire } from "node:module";
import type net from "node:net";
import path from "node:path";
import pg from "pg";
import { demoUid } from "../../dataconnect/seed/demoGraph.ts";
import { seedDemoGraph } from "../../dataconnect/seed/seed.ts";
import { startDataConnectEmulator } from "../../packages/dataconnect-emulator/src/index.ts";
import { emulatorIdToken } from "../../packages/dataconnect-emulator/test/protocol/support/tokens.ts";
import { startLocalStack } from "../../test/e2e/support/localStack.ts";
import { freePort } from "../../test/e2e/support/ports.ts";
import { repoRoot } from "../../test/e2e/support/repo.ts";
import { type LatencySummary, summarize, timeSequential } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const REQUESTS = Number(process.env.REQUESTS ?? 200);
const WARMUP = 50;
const VIEWER = demoUid(6); // the demo sign-in: an ordinary account of the demo graph
const TOKEN = emulatorIdToken(VIEWER, {}, "demo-rookery");
const FEED_START = {
  beforeTime: "9999-12-31T23:59:59Z",
  beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
  limit: 20,
};

/** Times GetMe and HomeFeed through the connector endpoint, as the web SDK sends them. */
async function measure(serviceUrl: string): Promise<{ getMe: LatencySummary; homeFeed: LatencySummary }> {
  const call = async (operationName: string, variables: object = {}) => {
    const res = await fetch(`${serviceUrl}/connectors/social:executeQuery`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-firebase-auth-token": TOKEN },
      body: JSON.stringify({ operationName, variables }),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    if (res.status !== 200 || body.errors?.length)
      throw new Error(`${operationName}: ${JSON.stringify(body)}`);
  };
  const run = async (operationName: string, variables?: object) => {
    await timeSequential(WARMUP, () => call(operationName, variables));
    return summarize(await timeSequential(REQUESTS, () => call(operationName, variables)));
  };
  return { getMe: await run("GetMe"), homeFeed: await run("HomeFeed", FEED_START) };
}

const ONLY = new Set((process.env.ONLY ?? "before,nagle,after,link,embedded").split(","));

interface StackVariant {
  key: string;
  name: string;
  env: Record<string, string>;
}
const STACK_VARIANTS = (
  [
    {
      key: "before",
      name: "before: pre-#10 statements, gateway with Nagle",
      env: { ROOKERY_TCP_NODELAY: "off", DATACONNECT_DB_PROTOCOL: "legacy" },
    },
    { key: "nagle", name: "after, but gateway with Nagle", env: { ROOKERY_TCP_NODELAY: "off" } },
    { key: "after", name: "after (npm start)", env: {} },
  ] as StackVariant[]
).filter((variant) => ONLY.has(variant.key));

console.log(`npm start, demo graph, viewer ${VIEWER}; ${REQUESTS} sequential requests each (ms)\n`);
const rows: (string | number)[][] = [];
for (const variant of STACK_VARIANTS) {
  process.stdout.write(`  starting the stack: ${variant.name}…\n`);
  // Resolves once the demo sign-in's Auth trigger ran after the graph loaded: the stack is quiet then.
  const stack = await startLocalStack({ env: variant.env, timeoutMs: 240_000 });
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const serviceUrl = `http://127.0.0.1:${stack.config.ports.dataconnect}/v1/projects/demo-rookery/locations/us-central1/services/rookery`;
    const { getMe, homeFeed } = await measure(serviceUrl);
    rows.push([variant.name, getMe.p50, getMe.p95, homeFeed.p50, homeFeed.p95]);
  } finally {
    await stack.stop();
  }
}
console.log(
  `\n${formatTable(["variant", "GetMe p50", "GetMe p95", "HomeFeed p50", "HomeFeed p95"], rows)}\n`,
);

// The database link alone: one `SELECT $1` through firebase-tools' PGlite gateway, with and without
// TCP_NODELAY on each side. node-postgres sets it on our side already; only the gateway's side matters.
const require = createRequire(import.meta.url);
const { PostgresServer } = require("firebase-tools/lib/emulator/dataconnect/pgliteServer.js") as {
  PostgresServer: new (
    args: object,
  ) => {
    createPGServer(host: string, port: number): Promise<net.Server>;
    stop(): Promise<void>;
  };
};
const linkRows: (string | number)[][] = [];
const linkVariants = ONLY.has("link") ? [false, true] : [];
process.chdir(path.join(repoRoot, "node_modules", ".cache")); // the gateway writes pglite-debug.log here
for (const serverNoDelay of linkVariants) {
  const server = new PostgresServer({});
  const port = await freePort();
  const listener = await server.createPGServer("127.0.0.1", port);
  listener.on("connection", (socket: net.Socket) => socket.setNoDelay(serverNoDelay));
  for (const clientNoDelay of [false, true]) {
    const client = new pg.Client(`postgres://postgres@127.0.0.1:${port}/postgres`);
    await client.connect();
    (client as unknown as { connection: { stream: net.Socket } }).connection.stream.setNoDelay(clientNoDelay);
    const select = () => client.query("SELECT $1::int AS n", [1]);
    await timeSequential(WARMUP, select);
    const latency = summarize(await timeSequential(100, select));
    linkRows.push([
      `gateway ${serverNoDelay ? "NODELAY" : "Nagle"}, engine ${clientNoDelay ? "NODELAY" : "Nagle"}`,
      latency.p50,
      latency.p95,
    ]);
    await client.end();
  }
  await server.stop();
}
if (linkRows.length) {
  console.log(`One SELECT through firebase-tools' PGlite gateway (100 sequential)\n`);
  console.log(`${formatTable(["TCP_NODELAY", "p50", "p95"], linkRows)}\n`);
}

// The alternative weighed: the engine on an embedded PGlite of its own (no TCP to Postgres at all). Not
// what `npm start` runs: firebase-tools' export/import, --data_dir and sql:shell work on its own PGlite.
if (ONLY.has("embedded")) await measureEmbedded();

/** The engine on an embedded PGlite of its own, seeded with the same demo graph, measured the same way. */
async function measureEmbedded(): Promise<void> {
  const embedded = await startDataConnectEmulator({
    configDir: path.join(repoRoot, "dataconnect"),
    standaloneAfterMs: 0,
    projectId: "demo-rookery",
  });
  try {
    const serviceUrl = `${embedded.url}/v1/projects/demo-rookery/locations/us-central1/services/rookery`;
    await seedDemoGraph(async (query) => {
      const res = await fetch(`${serviceUrl}:executeGraphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data: unknown };
    });
    const { getMe, homeFeed } = await measure(serviceUrl);
    console.log("The engine on an embedded PGlite of its own, same demo graph (in this process)\n");
    console.log(
      `${formatTable(["variant", "GetMe p50", "GetMe p95", "HomeFeed p50", "HomeFeed p95"], [["embedded PGlite", getMe.p50, getMe.p95, homeFeed.p50, homeFeed.p95]])}\n`,
    );
  } finally {
    await embedded.stop();
  }
}
