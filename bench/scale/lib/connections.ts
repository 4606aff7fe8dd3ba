// 1,000 concurrent clients (seed 002): 1,000 keep-alive connections, each reading a feed or posting
// once a second (open loop), while the engine's memory and the database sessions it holds are sampled;
// then a burst of more requests at once than the engine queues, which must be answered (429
// RESOURCE_EXHAUSTED past the queue) without a crash.
import type pg from "pg";
import type { LatencySummary } from "../../lib/stats.ts";
import type { EngineProcess } from "./engine.ts";
import { uidOf } from "./graph.ts";
import { Client, failureOf, runOpenLoop } from "./openLoop.ts";
import { emulatorIdToken } from "./tokens.ts";
import { FIRST, homeFeedCall } from "./viewers.ts";

/** What the 1,000-client run saw. */
export interface ConnectionsResult {
  clients: number;
  rate: number;
  achieved: number;
  latency: LatencySummary;
  errors: number;
  refused: number;
  errorSample: string;
  rssStartMiB: number;
  rssMaxMiB: number;
  rssEndMiB: number;
  /** Most database sessions open at once (pg_stat_activity, client backends). */
  sessionsMax: number;
  burst: {
    sent: number;
    ok: number;
    exhausted: number;
    other: number;
    otherSample: string;
    aliveAfter: boolean;
  };
}

export async function measureConnections(
  serviceUrl: string,
  engine: EngineProcess,
  db: pg.Client,
  ordinaryUsers: number,
  clients: number,
  time: number,
): Promise<ConnectionsResult> {
  const client = new Client(serviceUrl, clients);
  const rssStartMiB = await engine.rssMiB();
  let rssMaxMiB = rssStartMiB;
  let sessionsMax = 0;
  const sample = setInterval(() => {
    void engine.rssMiB().then((m) => {
      rssMaxMiB = Math.max(rssMaxMiB, m);
    });
    void db
      .query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      )
      .then(({ rows }) => {
        sessionsMax = Math.max(sessionsMax, rows[0]!.n);
      })
      .catch(() => {});
  }, 500);
  const tokens = Array.from({ length: clients }, (_, c) =>
    emulatorIdToken(uidOf(1 + ((c * 7919) % ordinaryUsers))),
  );
  const stamp = Date.now().toString(36);
  // Every client once a second: nine feed reads, then a post.
  const result = await runOpenLoop(
    client,
    { rate: clients, seconds: 20 * time, connections: clients },
    (i) => {
      const c = i % clients;
      const round = Math.floor(i / clients);
      if (round % 10 === 9)
        return {
          path: "/connectors/social:executeMutation",
          token: tokens[c],
          body: {
            operationName: "CreatePost",
            variables: { content: `Hello from client ${c} (${stamp}.${round})` },
          },
        };
      return homeFeedCall({ token: tokens[(c + round) % clients]! }, FIRST);
    },
  );
  clearInterval(sample);
  const rssEndMiB = await engine.rssMiB();

  // The burst: twice as many requests at once as the engine queues (1,000), each on its own socket.
  const burstSize = 2 * 1000 + 20;
  const burstClient = new Client(serviceUrl, burstSize);
  const answers = await Promise.all(
    Array.from({ length: burstSize }, (_, i) =>
      burstClient.send(homeFeedCall({ token: tokens[i % clients]! }, FIRST)),
    ),
  );
  const failures = answers.map((a) => (a.status === 0 ? `network: ${a.error}` : failureOf(a.status, a.body)));
  const exhausted = answers.filter((a) => a.status === 429).length;
  const ok = failures.filter((f) => f === undefined).length;
  const other = failures.filter((f, i) => f !== undefined && answers[i]!.status !== 429);
  const alive = await client.send(homeFeedCall({ token: tokens[0]! }, FIRST));
  burstClient.close();
  client.close();
  return {
    clients,
    rate: clients,
    achieved: result.achievedPerSecond,
    latency: result.latency,
    errors: result.errorCount,
    refused: result.refused,
    errorSample: [...result.errors.keys()].slice(0, 2).join("; "),
    rssStartMiB,
    rssMaxMiB,
    rssEndMiB,
    sessionsMax,
    burst: {
      sent: burstSize,
      ok,
      exhausted,
      other: other.length,
      otherSample: [...new Set(other)].slice(0, 2).join("; "),
      aliveAfter: alive.status === 200,
    },
  };
}
