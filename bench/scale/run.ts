// bench/scale: the whole stack at 1M users / 50M follows / 15M posts over HTTP. Loads the graph into a
// Postgres server (by URL) or a private cluster it runs itself, starts our Data Connect engine as a
// process on it, and drives the connector endpoints with open-loop load. See README.md.
// Run: node bench/scale/run.ts [--database-url=postgres://…] [--cluster=DIR] [--users=N] [--reuse]
//        [--only=reads,forms,throughput,writes,hotlike,connections] [--time=F] [--load-only] [--clean]
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { removePostgresCluster } from "../../scripts/lib/postgresCluster.ts";
import type { LatencySummary } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";
import { PARTS, parseArgs } from "./lib/args.ts";
import { p99Chart, type Series } from "./lib/chart.ts";
import { measureConnections } from "./lib/connections.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { startEngine } from "./lib/engine.ts";
import { BUCKETS, type Graph } from "./lib/graph.ts";
import { describeMachine, loadAverage } from "./lib/machine.ts";
import { Client } from "./lib/openLoop.ts";
import { prepare } from "./lib/prepare.ts";
import {
  CLIENTS,
  measureGroups,
  measureThroughput,
  PER_CLIENT_RATE,
  type ReadCell,
  sustained,
} from "./lib/reads.ts";
import {
  currentHomeFeedSql,
  JOIN_SQL,
  measureSql,
  PREVIOUS_HOMEFEED_SQL,
  type SqlCell,
} from "./lib/sqlForms.ts";
import { bucketGroup, FIRST, GROUPS, homeFeedCall, loadViewers, referencePage } from "./lib/viewers.ts";
import { measureHotLike, measureWrites, WRITE_CLIENTS } from "./lib/writes.ts";

const options = parseArgs(process.argv.slice(2));
const here = path.dirname(fileURLToPath(import.meta.url));
const report: string[] = [];
/** Prints a block and keeps it for the results file. */
const print = (text: string) => {
  console.log(text);
  report.push(text);
};
const log = (message: string) => print(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const lat = (s: LatencySummary | undefined) =>
  s ? `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}` : "-";

if (options.cleanOnly) {
  await removePostgresCluster(options.clusterDir);
  console.log(`removed ${options.clusterDir}`);
  process.exit(0);
}

// Say so in the results when they are not the benchmark's: smaller, shorter, partial or on a busy machine.
const caveats = [
  options.size.users < 1_000_000 && `${options.size.users.toLocaleString("en-US")} users, not 1,000,000`,
  options.time < 1 && `--time=${options.time} (shorter cells)`,
  options.parts.length < PARTS.length && `only ${options.parts.join(", ")}`,
  loadAverage() >= 1 &&
    `the machine was busy (load ${loadAverage().toFixed(1)} on ${os.cpus().length} cores)`,
].filter((c): c is string => typeof c === "string");
const database = await openBenchDatabase(options.databaseUrl, options.clusterDir, options.size);
let stopEngine = async () => {};
// Never leave the cluster running: stop the engine and the cluster on Ctrl-C too (a second signal
// while stopping is ignored, or the server would outlive us).
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await stopEngine().catch(() => {});
      await database.close().catch(() => {});
      process.exit(130);
    })();
  });
try {
  print(describeMachine(database.description));
  if (caveats.length) print(`NOT a benchmark result (smoke or partial run): ${caveats.join("; ")}`);
  log(`graph: ${JSON.stringify(options.size)}`);
  const { graph, steps } = await prepare(
    database.url,
    options.size,
    options.reuse,
    Boolean(database.cluster),
  );
  if (steps)
    print(`\nLoad (wall seconds per step; two sessions)\n\n${formatTable(["step", "s"], steps, 1)}\n`);
  else log("reusing the graph already loaded (as the previous run left it, its writes included)");
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const { rows: sizes } = await db.query<Record<string, string>>(
    `SELECT relname AS "table", to_char(n_live_tup, 'FM999,999,999,999') AS rows,
            pg_size_pretty(pg_total_relation_size(relid)) AS "heap + indexes"
     FROM pg_stat_user_tables WHERE relname IN ('user','post','follow','like','block','mute','post_stats')
     UNION ALL SELECT 'database', '', pg_size_pretty(pg_database_size(current_database()))`,
  );
  print(`Sizes\n\n${formatTable(["table", "rows", "heap + indexes"], sizes.map(Object.values))}\n`);
  if (options.loadOnly) {
    await db.end();
    await writeReport();
  } else await measure(db, graph);
} finally {
  await stopEngine();
  await database.close();
  if (options.clean && database.cluster) await removePostgresCluster(options.clusterDir);
}

/** Writes what was printed to `results/<name>.txt` (also for --load-only); answers where. */
async function writeReport(): Promise<{ name: string; dir: string }> {
  const name =
    options.resultsName ??
    `postgres15-${options.size.users >= 1e6 ? `${options.size.users / 1e6}m` : `${options.size.users / 1e3}k`}`;
  const dir = path.join(here, "results");
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${name}.txt`), `${report.join("\n")}\n`);
  if (options.loadOnly) log(`results: bench/scale/results/${name}.txt`);
  return { name, dir };
}

/** Everything after the load: the engine as a process, each part of the benchmark, the results files. */
async function measure(db: pg.Client, graph: Graph): Promise<void> {
  const engine = await startEngine(database.url);
  stopEngine = () => engine.stop();
  log(`engine: pid ${engine.pid} on port ${engine.port}, ${ms(await engine.rssMiB())} MiB`);
  const client = new Client(engine.serviceUrl, 64);
  const viewers = await loadViewers(db, graph, options.size.users >= 200_000 ? 100 : 20);
  log(`${viewers.length} viewers: ${GROUPS.join(", ")}`);

  // Exactness at scale: HomeFeed over HTTP against the reference query, first and deep page.
  const exactRows: (string | number)[][] = [];
  for (const group of GROUPS) {
    let same = 0;
    let total = 0;
    for (const v of viewers.filter((x) => x.group === group).slice(0, 3))
      for (const cursor of [FIRST, v.deep]) {
        const answer = await client.send(homeFeedCall(v, cursor));
        const got = ((answer.body as { data?: { _select?: { id: string }[] } }).data?._select ?? []).map(
          (r) => r.id,
        );
        const want = await referencePage(db, v.uid, cursor);
        total++;
        if (JSON.stringify(got) === JSON.stringify(want)) same++;
      }
    exactRows.push([group, `${same}/${total}`]);
  }
  print(`\nHomeFeed pages identical to the reference query (3 viewers per group, first and deep page)\n`);
  print(formatTable(["viewers", "pages identical"], exactRows));

  const chart: Series[] = [];
  const bucketPoints = (pick: (group: string) => number | undefined) =>
    BUCKETS.map((b): [number, number | undefined] => [b, pick(bucketGroup(b))]);

  if (options.parts.includes("reads")) {
    log(
      `reads: HomeFeed over HTTP, each client ${PER_CLIENT_RATE} requests/s (open loop); load ${loadAverage().toFixed(2)}`,
    );
    const cells = await measureGroups(client, viewers, options.time, (c) =>
      console.log(
        `  ${c.group} ${c.page} ×${c.clients}: ${lat(c.latency)}${c.errors ? ` errors ${c.errors}` : ""}`,
      ),
    );
    for (const clients of CLIENTS) {
      const rows = cells
        .filter((c) => c.clients === clients)
        .map((c) => [
          c.group,
          c.page,
          lat(c.latency),
          c.achieved,
          c.errors ? `${c.errors}: ${c.errorSample}` : "0",
        ]);
      print(
        `\nHomeFeed over HTTP, ${clients} client${clients > 1 ? "s" : ""} × ${PER_CLIENT_RATE}/s: p50 / p95 / p99 / max ms (from each request's due time)\n`,
      );
      print(formatTable(["viewers", "page", "p50 / p95 / p99 / max", "answers/s", "errors"], rows, 0));
    }
    const at8 = (page: string) => (group: string) =>
      cells.find((c: ReadCell) => c.group === group && c.page === page && c.clients === 8)?.latency.p99;
    chart.push(
      {
        label: "HomeFeed first page (HTTP, 8 clients)",
        color: "#1f77b4",
        points: bucketPoints(at8("first")),
      },
      {
        label: "HomeFeed deep page (HTTP, 8 clients)",
        color: "#1f77b4",
        dashed: true,
        points: bucketPoints(at8("deep")),
      },
    );
    const worst = cells.filter((c) => c.clients === 8).sort((a, b) => b.latency.p99 - a.latency.p99)[0];
    if (worst)
      log(`worst p99 at 8 clients: ${ms(worst.latency.p99)} ms (${worst.group}, ${worst.page} page)`);
  }

  if (options.parts.includes("forms")) {
    log(`forms: SQL alone, one session, sequential; load ${loadAverage().toFixed(2)}`);
    const sqlCells: SqlCell[] = [];
    const show = (c: SqlCell) =>
      console.log(`  ${c.form} ${c.group} ${c.page}: ${lat(c.latency)} timeouts ${c.timeouts}`);
    sqlCells.push(
      ...(await measureSql(
        db,
        [
          { form: "HomeFeed", sql: await currentHomeFeedSql(), samples: 30 },
          { form: "HomeFeed before #18", sql: PREVIOUS_HOMEFEED_SQL, samples: 30 },
          { form: "seeds' JOIN form", sql: JOIN_SQL, samples: 20 },
        ],
        viewers,
        3000,
        show,
      )),
    );
    print(
      `\nFeed statements as SQL alone (one session, one at a time; a call over 3 s is cancelled): p50 / p95 / p99 / max ms\n`,
    );
    print(
      formatTable(
        ["form", "viewers", "page", "p50 / p95 / p99 / max", "n", "timeouts (> 3 s)"],
        sqlCells.map((c) => [c.form, c.group, c.page, lat(c.latency), String(c.n), String(c.timeouts)]),
      ),
    );
    // A cell where more than 1% of the calls were cancelled has its p99 past the timeout: no point.
    const p99Of = (form: string, page: string) => (group: string) => {
      const cell = sqlCells.find((c) => c.form === form && c.group === group && c.page === page);
      return cell && cell.timeouts <= 0.01 * cell.n ? cell.latency?.p99 : undefined;
    };
    chart.push(
      {
        label: "HomeFeed first (SQL)",
        color: "#2ca02c",
        points: bucketPoints(p99Of("HomeFeed", "first")),
      },
      {
        label: "HomeFeed deep (SQL)",
        color: "#2ca02c",
        dashed: true,
        points: bucketPoints(p99Of("HomeFeed", "deep")),
      },
      {
        label: "HomeFeed before #18 first (SQL)",
        color: "#999",
        points: bucketPoints(p99Of("HomeFeed before #18", "first")),
      },
      {
        label: "HomeFeed before #18 deep (SQL)",
        color: "#999",
        dashed: true,
        points: bucketPoints(p99Of("HomeFeed before #18", "deep")),
      },
      {
        label: "seeds' JOIN first (SQL)",
        color: "#d62728",
        points: bucketPoints(p99Of("seeds' JOIN form", "first")),
      },
      {
        label: "seeds' JOIN deep (SQL)",
        color: "#d62728",
        dashed: true,
        points: bucketPoints(p99Of("seeds' JOIN form", "deep")),
      },
    );
  }

  if (options.parts.includes("throughput")) {
    log(`throughput: first pages of uniformly drawn users, 64 connections; load ${loadAverage().toFixed(2)}`);
    const steps = await measureThroughput(client, options.size.users, options.time, 64, (s) =>
      console.log(`  ${s.rate}/s: ${ms(s.achieved)}/s ${lat(s.latency)} errors ${s.errors}`),
    );
    print(`\nHomeFeed throughput, uniform user mix, 64 connections, open loop: p50 / p95 / p99 / max ms\n`);
    print(
      formatTable(
        ["offered/s", "answered/s", "p50 / p95 / p99 / max", "errors"],
        steps.map((s) => [String(s.rate), s.achieved, lat(s.latency), String(s.errors)]),
        0,
      ),
    );
    const best = sustained(steps);
    print(
      `\nSustained with p99 ≤ 20 ms: ${best ? `${best.rate} feeds/s (p99 ${ms(best.latency.p99)} ms)` : "none of the rates tried"}`,
    );
  }

  const writeRows: (string | number)[][] = [];
  const writeRow = (r: {
    operation: string;
    rate: number;
    achieved: number;
    latency: LatencySummary;
    errors: number;
    errorSample: string;
  }) =>
    writeRows.push([
      r.operation,
      String(r.rate),
      r.achieved,
      lat(r.latency),
      r.errors ? `${r.errors}: ${r.errorSample}` : "0",
    ]);
  if (options.parts.includes("writes")) {
    log(`writes: ${WRITE_CLIENTS} connections, open loop at 3,000/s each; load ${loadAverage().toFixed(2)}`);
    const { rows, checks } = await measureWrites(client, db, graph.layout.ordinary, 3000, options.time, (r) =>
      console.log(`  ${r.operation}: ${ms(r.achieved)}/s ${lat(r.latency)} errors ${r.errors}`),
    );
    rows.forEach(writeRow);
    print(`\nCounters after the writes (every counter the run touched, against COUNT(*) of its rows)\n`);
    print(
      formatTable(
        ["counter", "checked", "wrong"],
        checks.map((c) => [c.counter, String(c.checked), String(c.wrong)]),
      ),
    );
  }
  if (options.parts.includes("hotlike")) {
    log(
      `hot post: LikePost on one post at 4,626/s, ${WRITE_CLIENTS} connections; load ${loadAverage().toFixed(2)}`,
    );
    const hot = await measureHotLike(client, db, graph.layout.ordinary, 4626, options.time);
    writeRow(hot.row);
    print(
      `\nHot post after settling (${ms(hot.settleMs)} ms): likeCount ${hot.count}, like rows ${hot.rows} — ${hot.count === hot.rows ? "exact" : "NOT exact"}`,
    );
  }
  if (writeRows.length) {
    print(`\nWrites over HTTP, ${WRITE_CLIENTS} connections, open loop: p50 / p95 / p99 / max ms\n`);
    print(
      formatTable(["operation", "offered/s", "answered/s", "p50 / p95 / p99 / max", "errors"], writeRows, 0),
    );
  }

  if (options.parts.includes("connections")) {
    log(`1,000 clients: one request/s each (9 feeds, 1 post); load ${loadAverage().toFixed(2)}`);
    const r = await measureConnections(
      engine.serviceUrl,
      engine,
      db,
      graph.layout.ordinary,
      1000,
      options.time,
    );
    print(
      `\n1,000 concurrent clients, keep-alive connections, each one request/s (open loop): 90% HomeFeed, 10% CreatePost\n`,
    );
    print(
      formatTable(
        [
          "answered/s",
          "p50 / p95 / p99 / max ms",
          "errors",
          "refused",
          "engine RSS start / max / end MiB",
          "database sessions (max)",
        ],
        [
          [
            r.achieved,
            lat(r.latency),
            r.errors ? `${r.errors}: ${r.errorSample}` : "0",
            String(r.refused),
            `${ms(r.rssStartMiB)} / ${ms(r.rssMaxMiB)} / ${ms(r.rssEndMiB)}`,
            String(r.sessionsMax),
          ],
        ],
        0,
      ),
    );
    const b = r.burst;
    print(
      `\nBurst: ${b.sent} requests at once on as many sockets: ${b.ok} answered, ${b.exhausted} refused with 429 RESOURCE_EXHAUSTED (queue full), ${b.other} other${b.other ? ` (${b.otherSample})` : ""}; engine ${b.aliveAfter ? "still serving" : "NOT serving"} afterwards`,
    );
  }
  client.close();
  await engine.stop();
  stopEngine = async () => {};
  await db.end();

  const { name, dir } = await writeReport();
  if (chart.length)
    await writeFile(
      path.join(dir, `${name}.svg`),
      p99Chart(
        `HomeFeed p99 vs accounts followed — ${options.size.users.toLocaleString("en-US")} users${caveats.length ? " (NOT a benchmark result)" : ""}`,
        "HTTP: through the engine, open loop, from due time. SQL: statement alone, one session. Missing points: over 3 s.",
        chart,
      ),
    );
  log(`results: bench/scale/results/${name}.txt${chart.length ? ` and ${name}.svg` : ""}`);
}
