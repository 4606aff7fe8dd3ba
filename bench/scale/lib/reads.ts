// HomeFeed over HTTP: latency per viewer group (follow buckets, silent viewers) and page at 1, 8 and 64
// concurrent clients, each client sending at a fixed rate (open loop); then the sustained throughput
// on a uniform user mix (every user equally likely), stepping the rate up until p99 passes 20 ms.
import type { LatencySummary } from "../../lib/stats.ts";
import { uidOf } from "./graph.ts";
import { type Client, runOpenLoop } from "./openLoop.ts";
import { emulatorIdToken } from "./tokens.ts";
import { FIRST, GROUPS, homeFeedCall, type Viewer } from "./viewers.ts";

/** One client reads a page every 200 ms: a user flicking through the feed quickly. */
export const PER_CLIENT_RATE = 5;
export const CLIENTS = [1, 8, 64] as const;
/** Seconds per cell at each client count (before --time). */
const SECONDS: Record<number, number> = { 1: 20, 8: 10, 64: 5 };

/** One latency cell: group × page × clients. */
export interface ReadCell {
  group: string;
  page: "first" | "deep";
  clients: number;
  rate: number;
  latency: LatencySummary;
  achieved: number;
  errors: number;
  errorSample: string;
}

/** Measures every group and page at every client count. */
export async function measureGroups(
  client: Client,
  viewers: Viewer[],
  time: number,
  onCell: (cell: ReadCell) => void,
): Promise<ReadCell[]> {
  const cells: ReadCell[] = [];
  for (const group of GROUPS) {
    const members = viewers.filter((v) => v.group === group);
    if (members.length === 0) continue;
    // Warm up: every viewer's two pages once, so the first cell does not pay for cold pages.
    for (const v of members) {
      await client.send(homeFeedCall(v, FIRST));
      await client.send(homeFeedCall(v, v.deep));
    }
    for (const clients of CLIENTS)
      for (const page of ["first", "deep"] as const) {
        const rate = clients * PER_CLIENT_RATE;
        const result = await runOpenLoop(
          client,
          { rate, seconds: SECONDS[clients]! * time, connections: clients },
          (i) => {
            const v = members[i % members.length]!;
            return page === "first" ? homeFeedCall(v, FIRST, v.firstIds) : homeFeedCall(v, v.deep, v.deepIds);
          },
        );
        const cell: ReadCell = {
          group,
          page,
          clients,
          rate,
          latency: result.latency,
          achieved: result.achievedPerSecond,
          errors: result.errorCount,
          errorSample: [...result.errors.keys()].slice(0, 2).join("; "),
        };
        cells.push(cell);
        onCell(cell);
      }
  }
  return cells;
}

/** One step of the throughput search. */
export interface ThroughputStep {
  rate: number;
  achieved: number;
  latency: LatencySummary;
  errors: number;
}

/** First pages of uniformly drawn users at rising rates over `connections` sockets; stops past the knee. */
export async function measureThroughput(
  client: Client,
  users: number,
  time: number,
  connections: number,
  onStep: (step: ThroughputStep) => void,
): Promise<ThroughputStep[]> {
  const steps: ThroughputStep[] = [];
  const tokens = new Map<number, string>();
  const token = (n: number) => {
    let t = tokens.get(n);
    if (!t) {
      t = emulatorIdToken(uidOf(n));
      tokens.set(n, t);
    }
    return t;
  };
  // A fixed pseudo-random sequence of users, so every step reads comparable feeds.
  const userAt = (i: number) => 1 + ((i * 2_654_435_761) % users);
  for (let k = 0; k < 200; k++) await client.send(homeFeedCall({ token: token(userAt(k)) }, FIRST));
  // And the load generator's thread: its sockets opened and its code compiled before anything counts.
  await runOpenLoop(client, { rate: 250, seconds: 2, connections }, (i) =>
    homeFeedCall({ token: token(userAt(200 + i)) }, FIRST),
  );
  let offset = 500;
  for (const rate of [250, 500, 750, 1000, 1250, 1500, 2000, 2500]) {
    const base = offset;
    const result = await runOpenLoop(client, { rate, seconds: 8 * time, connections }, (i) =>
      homeFeedCall({ token: token(userAt(base + i)) }, FIRST),
    );
    offset += result.offered;
    const step = {
      rate,
      achieved: result.achievedPerSecond,
      latency: result.latency,
      errors: result.errorCount,
    };
    steps.push(step);
    onStep(step);
    if (result.latency.p99 > 500 || result.achievedPerSecond < 0.8 * rate) break;
  }
  return steps;
}

/** The highest rate whose p99 stayed within `p99Ms`, answered in full and without errors. */
export function sustained(steps: readonly ThroughputStep[], p99Ms = 20): ThroughputStep | undefined {
  return steps
    .filter((s) => s.latency.p99 <= p99Ms && s.errors === 0 && s.achieved >= 0.97 * s.rate)
    .sort((a, b) => b.rate - a.rate)[0];
}
