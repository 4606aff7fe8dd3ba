// Loads the generated graph into a migrated, empty database as fast as two cores allow:
//   1. the migrated keys, indexes, foreign keys and NOT VALID checks of the loaded tables are dropped
//      (their DDL read from the catalog, so what is rebuilt is exactly what the migration made);
//   2. two COPY streams at once (binary format, FREEZE), one per core: follow (two thirds of the rows) on
//      one connection, post, post_stats, like, mute, block and user on the other. Each table is truncated
//      in the transaction that copies into it, so that FREEZE applies (rows are written frozen and
//      all-visible: no VACUUM afterwards, index-only scans from the start) and, on a server with
//      wal_level = minimal (our private cluster), no WAL is written for them at all;
//   3. keys and indexes rebuilt on two sessions, largest first; foreign keys added NOT VALID and
//      validated (the rows are checked, as a migration would have); the NOT VALID checks come back as
//      they were; ANALYZE; CHECKPOINT (so that no checkpoint of the load lands in a measurement).
// Tables stay LOGGED throughout: UNLOGGED would save nothing over wal_level = minimal + TRUNCATE in the
// same transaction, and SET LOGGED at the end would rewrite all 23 GB (through WAL on a replica-level
// server); on a server with wal_level = replica the COPY writes WAL, which the load table shows.
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BinaryRows } from "./copyBinary.ts";
import { COPY_COLUMNS, type Graph } from "./graph.ts";
import type { Progress, Task } from "./progress.ts";

/** Tables the graph fills (their DDL is dropped and rebuilt around the load). */
export const LOADED_TABLES = ['"user"', "post", "follow", '"like"', "block", "mute", "post_stats"];

interface Ddl {
  table: string;
  name: string;
  /** `p`, `u`, `f`, `c` (NOT VALID check) or `i` (plain index). */
  kind: string;
  sql: string;
  /** Keys: their unique index, built first (CREATE INDEX takes a SHARE lock, so builds on one table run
   * side by side; ADD PRIMARY KEY would lock the table for the whole build), then attached. */
  index?: string;
}

/** Seconds per load step. */
export type LoadSteps = [step: string, seconds: number][];

/** Reads the DDL to rebuild after the load, then drops it. */
async function dropDdl(client: pg.Client): Promise<Ddl[]> {
  const regclasses = LOADED_TABLES.map((t) => `'${t}'::regclass`).join(", ");
  const { rows: constraints } = await client.query<Ddl & { attach: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, contype AS kind,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS sql,
            CASE WHEN contype IN ('p', 'u') THEN pg_get_indexdef(conindid) END AS index,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s USING INDEX %I', conrelid::regclass, conname,
                   CASE contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, conname) AS attach
     FROM pg_constraint
     WHERE (conrelid IN (${regclasses}) AND (contype IN ('p', 'u', 'f') OR (contype = 'c' AND NOT convalidated)))
        OR (confrelid IN (${regclasses}) AND contype = 'f')`,
  );
  const { rows: indexes } = await client.query<Ddl>(
    `SELECT indrelid::regclass::text AS table, indexrelid::regclass::text AS name, 'i' AS kind,
            pg_get_indexdef(indexrelid) AS sql
     FROM pg_index WHERE indrelid IN (${regclasses})
       AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u'))`,
  );
  const order = ["f", "c", "u", "p"];
  for (const c of [...constraints].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)))
    await client.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const i of indexes) await client.query(`DROP INDEX ${i.name}`);
  // A key comes back as its index (built with the others) plus a quick ALTER TABLE that attaches it.
  return [...constraints.map((c) => (c.index ? { ...c, sql: c.attach } : c)), ...indexes];
}

/** Streams `rows` into `table` with COPY … (FORMAT binary, FREEZE), truncating it in the same transaction. */
async function copyInto(
  client: pg.Client,
  table: keyof typeof COPY_COLUMNS,
  rows: AsyncIterable<Buffer>,
  task: Task,
  rowsIn: () => number,
): Promise<void> {
  const name = table === "user" || table === "like" ? `"${table}"` : table;
  await client.query(`BEGIN; TRUNCATE ${name}`);
  const stream = client.query(
    copyFrom(`COPY ${name} ${COPY_COLUMNS[table]} FROM STDIN (FORMAT binary, FREEZE)`),
  );
  const finished = new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
  });
  for await (const chunk of rows) {
    if (!stream.write(chunk)) await new Promise((r) => stream.once("drain", r));
    // Let timers (the progress bars) and the other stream's socket run between chunks.
    else await new Promise((r) => setImmediate(r));
    task.done = rowsIn();
  }
  stream.end(BinaryRows.trailer());
  await finished;
  await client.query("COMMIT");
}

/** A session for the load: big sort memory, no parallel workers (the two sessions are the parallelism). */
async function loadSession(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET maintenance_work_mem = '2GB'; SET work_mem = '512MB'; SET max_parallel_maintenance_workers = 0;
    SET synchronous_commit = off; SET statement_timeout = 0`);
  return client;
}

/** Fills the migrated, empty database at `url` with `graph`; returns per-step wall times. */
export async function loadGraph(url: string, graph: Graph, progress: Progress): Promise<LoadSteps> {
  const steps: LoadSteps = [];
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    steps.push([step, (performance.now() - started) / 1000]);
    return result;
  };
  const [a, b] = [await loadSession(url), await loadSession(url)];
  try {
    const ddl = await timed("drop keys, indexes, foreign keys", () => dropDdl(a));
    const c = graph.counts;
    const expectedFollows = graph.expectedFollows;
    const follows = progress.start("COPY follow", expectedFollows);
    const posts = progress.start("COPY post", graph.size.posts);
    // Phases weighted by their share of a measured full-size load (COPY 22%, indexes 55%, keys 22%).
    progress.overall = () =>
      0.22 * ((follows.done + posts.done) / (expectedFollows + graph.size.posts)) +
      0.55 * progress.share("keys + indexes") +
      0.22 * progress.share("foreign keys") +
      0.01 * progress.share("ANALYZE");
    await timed("COPY (two streams: follow | post, post_stats, like, mute, block, user)", async () => {
      const followStream = copyInto(a, "follow", graph.follows(), follows, () => c.follows).then(() =>
        progress.finish(follows),
      );
      await copyInto(b, "post", graph.posts(), posts, () => c.posts);
      progress.finish(posts);
      const stats = progress.start("COPY post_stats + like", graph.size.posts * 0.5);
      await copyInto(b, "post_stats", graph.postStats(), stats, () => c.postStats);
      await copyInto(b, "like", graph.likes(), stats, () => c.postStats + c.likes);
      progress.finish(stats);
      await followStream; // mutes, blocks and user counters need every follow
      const rest = progress.start("COPY mute, block, user", graph.size.users * 1.1);
      await copyInto(b, "mute", graph.pairs(graph.mutePairs()), rest, () => c.mutes);
      await copyInto(b, "block", graph.pairs(graph.blockPairs()), rest, () => c.mutes + c.blocks);
      await copyInto(b, "user", graph.users(), rest, () => c.mutes + c.blocks + c.users);
      progress.finish(rest);
    });
    await timed("keys + indexes (two sessions)", () => buildIndexes(url, [a, b], ddl, progress));
    await timed("attach keys; foreign keys (validated); checks", async () => {
      for (const key of ddl.filter((d) => d.index)) await a.query(key.sql);
      await addConstraints([a, b], ddl, progress);
    });
    await timed("ANALYZE + CHECKPOINT", async () => {
      const task = progress.start("ANALYZE", LOADED_TABLES.length, "tables");
      const tables = [...LOADED_TABLES];
      await Promise.all(
        [a, b].map(async (client) => {
          for (let t = tables.shift(); t; t = tables.shift()) {
            await client.query(`ANALYZE ${t}`);
            task.done++;
          }
        }),
      );
      progress.finish(task);
      await a.query("CHECKPOINT").catch(() => {}); // needs superuser; a server by URL may refuse
    });
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
  return steps;
}

/** Rough cost of building an index or key: rows of its table (follow ≫ post ≫ the rest). */
/**
 * A build's expected cost, for scheduling the longest first: millions of rows, times how much slower
 * than a B-tree over input already in key order its kind builds (measured in the 1M run of 2026-12-06:
 * follow's primary key and follower index 38 s each, its followee index 90 s, post's B-trees 10–15 s,
 * post_search_idx 190 s). Scheduled by row count alone, the text-search GIN index started last and ran
 * alone for three minutes while the other session idled.
 */
export function weight(d: Pick<Ddl, "table" | "sql" | "index">): number {
  const rows: Record<string, number> = { follow: 50, post: 15, '"like"': 5, post_stats: 3, '"user"': 1 };
  const sql = d.index ?? d.sql;
  const kind = /\busing gin\b/i.test(sql) ? 12 : /\(\s*followee_uid\b/i.test(sql) ? 2.4 : 1;
  return (rows[d.table] ?? 0.1) * kind;
}

/** Runs index and key builds on the sessions, heaviest first, with a bar per build. */
async function buildIndexes(
  url: string,
  sessions: pg.Client[],
  ddl: Ddl[],
  progress: Progress,
): Promise<void> {
  const jobs = ddl
    .filter((d) => d.kind === "i" || d.kind === "p" || d.kind === "u")
    .map((d) => ({ ...d, sql: d.index ?? d.sql }));
  jobs.sort((x, y) => weight(y) - weight(x));
  const total = jobs.reduce((s, j) => s + weight(j), 0);
  const all = progress.start("keys + indexes", total, "units");
  const running = new Map<number, { task: Task; weight: number }>();
  const monitor = new pg.Client({ connectionString: url });
  await monitor.connect();
  const poll = setInterval(() => {
    monitor
      .query<{ pid: number; phase: string; bd: string; bt: string; td: string; tt: string }>(
        `SELECT pid, phase, blocks_done AS bd, blocks_total AS bt, tuples_done AS td, tuples_total AS tt
         FROM pg_stat_progress_create_index`,
      )
      .then(({ rows }) => {
        let partial = 0;
        for (const r of rows) {
          const job = running.get(r.pid);
          if (!job) continue;
          job.task.done = Math.round(100 * buildShare(r.phase, +r.bd, +r.bt, +r.td, +r.tt));
          partial += (job.weight * job.task.done) / 100;
        }
        all.done = finished + partial;
      })
      .catch(() => {});
  }, 1000);
  let finished = 0;
  try {
    await Promise.all(
      sessions.map(async (client) => {
        const pid = (client as unknown as { processID: number }).processID;
        for (let job = jobs.shift(); job; job = jobs.shift()) {
          const task = progress.start(`  ${job.name}`, 100, "%");
          running.set(pid, { task, weight: weight(job) });
          await client.query(job.sql);
          running.delete(pid);
          progress.finish(task);
          finished += weight(job);
        }
      }),
    );
  } finally {
    clearInterval(poll);
    await monitor.end();
  }
  progress.finish(all);
}

/** Share (0..1) of an index build done, from its phase: scan the table, sort, load the tree. */
export function buildShare(
  phase: string,
  blocksDone: number,
  blocksTotal: number,
  tuplesDone: number,
  tuplesTotal: number,
): number {
  if (phase.includes("scanning table")) return 0.5 * (blocksTotal > 0 ? blocksDone / blocksTotal : 0);
  if (phase.includes("sorting")) return 0.55;
  if (phase.includes("loading tuples")) return 0.6 + 0.4 * (tuplesTotal > 0 ? tuplesDone / tuplesTotal : 0);
  return 0;
}

/** Foreign keys (NOT VALID, then validated, per table in order) and the NOT VALID checks. */
async function addConstraints(sessions: pg.Client[], ddl: Ddl[], progress: Progress): Promise<void> {
  const fks = ddl.filter((d) => d.kind === "f");
  const checks = ddl.filter((d) => d.kind === "c");
  const task = progress.start("foreign keys", fks.length, "keys");
  // Validations of one table conflict with each other (SHARE UPDATE EXCLUSIVE): group by table.
  const byTable = new Map<string, Ddl[]>();
  for (const fk of fks) byTable.set(fk.table, [...(byTable.get(fk.table) ?? []), fk]);
  const groups = [...byTable.values()].sort((x, y) => weight(y[0]!) * y.length - weight(x[0]!) * x.length);
  await Promise.all(
    sessions.map(async (client) => {
      for (let group = groups.shift(); group; group = groups.shift())
        for (const fk of group) {
          await client.query(`${fk.sql} NOT VALID`);
          await client.query(`ALTER TABLE ${fk.table} VALIDATE CONSTRAINT ${fk.name}`);
          task.done++;
        }
    }),
  );
  for (const check of checks) await sessions[0]!.query(`${check.sql} NOT VALID`);
  progress.finish(task);
}
