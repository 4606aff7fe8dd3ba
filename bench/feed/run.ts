// bench/feed: chooses the home-feed query form by measurement. Migrates the real schema (our engine),
// generates a graph inside the database, checks every form's pages against a reference query, then
// prints p50/p95/p99 per form × follow bucket, first page and deep page (page 11 by keyset).
// Run: node bench/feed/run.ts [--small] [--database-url=postgres://…] [--users=N] [--follows=N]
//        [--posts=N] [--samples=N] [--check-users=N] [--planted=N] [--reuse]
// Defaults: PGlite 50k users / 2M follows / 1M posts; Postgres 1M users / 50M follows / 15M posts.
import type { Database, Queryable } from "../../packages/dataconnect-emulator/src/db/database.ts";
import { openPglite } from "../../packages/dataconnect-emulator/src/db/pglite.ts";
import { openPostgres } from "../../packages/dataconnect-emulator/src/db/postgres.ts";
import { createService, migrate } from "../../packages/dataconnect-emulator/src/engine/project.ts";
import type { LatencySummary } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";
import { parseArgs } from "./lib/args.ts";
import { BUCKETS, bucketLabel } from "./lib/buckets.ts";
import { capturing } from "./lib/capture.ts";
import { checkWalk, type FeedKey, samePage, seenAtCursor, tieCursorIndex } from "./lib/exactness.ts";
import { FIRST_CURSOR, LIVE_RECENT_INDEX, REFERENCE_SQL, sqlForms } from "./lib/forms.ts";
import { generateGraph, plantedUsers, uidOf } from "./lib/graph.ts";
import { type Sample, timeForm } from "./lib/measure.ts";
import { compileRookery, nativeSqlOf } from "./lib/project.ts";
import {
  type Cursor,
  capturedSql,
  type FeedForm,
  shippedEngine,
  sqlForm,
  typedEngine,
} from "./lib/runners.ts";

const DEEP_INDEX = 199; // cursor at the 200th item: the deep page is page 11
const options = parseArgs(process.argv.slice(2));
const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

const raw: Database = options.databaseUrl ? await openPostgres(options.databaseUrl) : await openPglite();
const db = capturing(raw);
log(`database: ${raw.description}; size ${JSON.stringify(options.size)}`);
const project = await compileRookery();
const service = createService(project, db);
const shipped = await nativeSqlOf(project, "HomeFeed");
const sql = sqlForms(shipped);

// 1. Schema (the engine's migration, sql/*.sql included) and graph.
if (!options.reuse) {
  await migrate(raw, project);
  const [{ n }] = (await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM "user"`)) as [
    { n: number },
  ];
  if (n > 0) throw new Error("the database already holds users: use an empty database, or --reuse");
  const started = performance.now();
  const steps = await generateGraph(raw, options.size, Boolean(options.databaseUrl));
  const total = (performance.now() - started) / 1000;
  console.log(`\nLoad (${raw.description})\n`);
  console.log(formatTable(["step", "s"], [...steps, ["total (wall)", total]], 1));
}
console.log(`\nSizes\n`);
console.log(
  formatTable(
    ["table", "rows", "total size (heap + indexes)"],
    await raw
      .query<Record<string, string>>(
        `SELECT relname AS "table", to_char(n_live_tup, 'FM999,999,999,999') AS rows,
              pg_size_pretty(pg_total_relation_size(relid)) AS "total size (heap + indexes)"
       FROM pg_stat_user_tables WHERE relname IN ('user','post','follow','like','block','mute','post_stats')
       UNION ALL SELECT 'database', '', pg_size_pretty(pg_database_size(current_database()))`,
      )
      .then((rows) => rows.map((r) => Object.values(r))),
  ),
);

// 2. Samples: planted users per bucket, with the cursor of their deep page.
interface Viewer {
  uid: string;
  bucket: number;
  /** The newest 220 items (reference order), for cursors and expected pages. */
  head: FeedKey[];
}
const cursorAt = (rows: readonly FeedKey[], index: number): Cursor => {
  const row = rows[Math.min(index, rows.length - 1)];
  if (!row) return { ...FIRST_CURSOR, seenAtTime: [] };
  return {
    time: row.createdAt,
    id: row.id,
    seenAtTime: seenAtCursor(rows, Math.min(index, rows.length - 1)),
  };
};
const first: Cursor = { ...FIRST_CURSOR, seenAtTime: [] };
const reference = async (uid: string, cursor: Cursor, limit: number, q: Queryable = raw) =>
  q.query<FeedKey>(REFERENCE_SQL, [uid, cursor.time, cursor.id, limit]);
const headSql = `WITH ${sql.shipped.sql.slice(sql.shipped.sql.indexOf("authors AS"), sql.shipped.sql.indexOf("walked AS"))}
  x AS (SELECT 1) SELECT replace(c.id::text, '-', '') AS id,
    to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"
  FROM visible v CROSS JOIN LATERAL (
    SELECT p.created_at, p.id FROM post p WHERE p.author_uid = v.uid AND p.deleted_at IS NULL
    ORDER BY p.created_at DESC, p.id DESC LIMIT $2) c
  ORDER BY c.created_at DESC, c.id DESC LIMIT $2`;
const viewers: Viewer[] = [];
const bucketCheck: (string | number)[][] = [];
for (const [b, bucket] of BUCKETS.entries()) {
  const uids = plantedUsers(options.size, b).slice(0, options.samples).map(uidOf);
  const counts = await raw.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM follow WHERE follower_uid = ANY($1::text[]) GROUP BY follower_uid`,
    [`{${uids.join(",")}}`],
  );
  bucketCheck.push([
    bucketLabel(bucket),
    uids.length,
    Math.min(...counts.map((c) => c.n)),
    Math.max(...counts.map((c) => c.n)),
  ]);
  for (const uid of uids)
    viewers.push({ uid, bucket, head: await raw.query<FeedKey>(headSql, [uid, DEEP_INDEX + 21]) });
}
console.log(`\nSampled viewers (planted users)\n`);
console.log(formatTable(["bucket", "users", "min follows", "max follows"], bucketCheck, 0));

// 3. Forms.
const typed = typedEngine(service, true);
const typedLt = typedEngine(service, false);
const native = shippedEngine(service);
const forms: FeedForm[] = [
  typed,
  capturedSql(typed, db, "typed relational: its SQL alone"),
  native,
  capturedSql(native, db, "shipped HomeFeed: its SQL alone"),
  sqlForm(sql.inlineProjection.name, sql.inlineProjection.sql, raw),
  sqlForm(sql.noFilter.name, sql.noFilter.sql, raw),
  sqlForm(sql.join.name, sql.join.sql, raw),
];

// 4. Exactness: the same ids as the reference, first page, deep page and a page whose cursor splits a tie.
const exact = new Map<string, boolean>();
const exactRows: (string | number)[][] = [];
async function checkPages(form: FeedForm, q: Queryable = raw): Promise<void> {
  let ok = 0;
  let total = 0;
  const failures: string[] = [];
  for (const bucket of BUCKETS) {
    for (const v of viewers.filter((x) => x.bucket === bucket).slice(0, options.checkUsers)) {
      const tie = tieCursorIndex(v.head, 20);
      const cursors: [string, Cursor][] = [
        ["first", first],
        ["deep", cursorAt(v.head, DEEP_INDEX)],
        ...(tie >= 0 && tie <= DEEP_INDEX ? ([["tie", cursorAt(v.head, tie)]] as [string, Cursor][]) : []),
      ];
      for (const [what, cursor] of cursors) {
        const want = (await reference(v.uid, cursor, 20, q)).map((r) => r.id);
        const got = await (await form.prepare(v.uid, cursor))();
        total++;
        if (samePage(want, got)) ok++;
        else failures.push(`${bucketLabel(bucket)}/${what}`);
      }
    }
  }
  exact.set(form.name, ok === total);
  exactRows.push([form.name, `${ok}/${total}`, failures.slice(0, 4).join(" ") || "-"]);
}
log("checking pages against the reference");
for (const form of [...forms.filter((f) => !f.name.includes("alone")), typedLt]) await checkPages(form);

// Whole walks for light users: every page of the form concatenated must equal the reference list.
const walkRows: (string | number)[][] = [];
async function walk(form: FeedForm, uid: string): Promise<{ pages: string[][]; items: number }> {
  const all = await reference(uid, first, 1_000_000);
  const byId = new Map(all.map((r) => [r.id, r]));
  const pages: string[][] = [];
  let cursor = first;
  const shown: FeedKey[] = [];
  for (;;) {
    const page = await (await form.prepare(uid, cursor))();
    pages.push(page);
    shown.push(...page.map((id) => byId.get(id.replaceAll("-", "")) ?? { id, createdAt: "?" }));
    if (page.length < 20 || pages.length > 2_000) break;
    cursor = cursorAt(shown, shown.length - 1);
  }
  const result = checkWalk(
    all.map((r) => r.id),
    pages,
  );
  walkRows.push([
    form.name,
    uid.slice(0, 8),
    all.length,
    pages.length,
    result.missing,
    result.duplicates,
    result.exact ? "exact" : "NOT exact",
  ]);
  if (!result.exact) exact.set(form.name, false);
  return { pages, items: all.length };
}
log("walking whole feeds");
for (const v of viewers.filter((x) => x.bucket === 10).slice(0, options.checkUsers)) {
  for (const form of [native, typed, typedLt]) await walk(form, v.uid);
}
const hundred = viewers.find((x) => x.bucket === 100);
if (hundred) await walk(native, hundred.uid);

// 5. Timing.
const results = new Map<string, Map<string, LatencySummary>>();
async function timeAll(form: FeedForm, page: "first" | "deep"): Promise<void> {
  const row = new Map<string, LatencySummary>();
  for (const bucket of BUCKETS) {
    const samples: Sample[] = viewers
      .filter((v) => v.bucket === bucket)
      .map((v) => ({ uid: v.uid, cursor: page === "first" ? first : cursorAt(v.head, DEEP_INDEX) }));
    row.set(bucketLabel(bucket), await timeForm(form, samples));
  }
  results.set(`${form.name} | ${page}`, row);
  log(`timed ${form.name}, ${page} page`);
}
for (const form of forms) for (const page of ["first", "deep"] as const) await timeAll(form, page);

// 6. Index variants, each inside a transaction that is rolled back (the migrated schema is untouched).
log("variant: shipped SQL without the partial feed index (plain author index instead)");
const ROLLBACK = new Error("rollback");
await raw
  .transaction(async (tx) => {
    await tx.exec(`DROP INDEX post_author_live_feed_idx;
    CREATE INDEX bench_post_author_idx ON post (author_uid, created_at DESC, id DESC); ANALYZE post`);
    const noPartial = sqlForm("shipped SQL, full (non-partial) author index", shipped, tx);
    await checkPages(noPartial, tx);
    for (const page of ["first", "deep"] as const) await timeAll(noPartial, page);
    throw ROLLBACK; // undo the index swap
  })
  .catch((error: unknown) => {
    if (error !== ROLLBACK) throw error;
  });
log("variant: + index on live posts by time (adaptive form; does it flip other plans?)");
await raw.exec(`${LIVE_RECENT_INDEX}; ANALYZE post`);
const adaptive = sqlForm(sql.adaptive.name, sql.adaptive.sql, raw);
const withTimeIndex = [
  adaptive,
  sqlForm(`${sql.shipped.name} + time index`, shipped, raw),
  sqlForm(`${sql.join.name} + time index`, sql.join.sql, raw),
];
for (const form of withTimeIndex) {
  await checkPages(form);
  for (const page of ["first", "deep"] as const) await timeAll(form, page);
}
await raw.exec("DROP INDEX bench_post_live_recent_idx; ANALYZE post");

// 7. Report.
console.log(`\nExactness: same ids as the reference JOIN (first page, page 11, a cursor splitting a tie)\n`);
console.log(formatTable(["form", "pages identical", "failures (bucket/page)"], exactRows));
console.log(`\nWhole-feed walks (20 per page) against the reference list\n`);
console.log(formatTable(["form", "viewer", "items", "pages", "missing", "repeated", "result"], walkRows, 0));
const cell = (s: LatencySummary | undefined) =>
  s ? `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.p99.toFixed(1)} (n=${s.count})` : "-";
console.log(`\nLatency ms, p50 / p95 / p99 (n), per follow bucket; ${raw.description}\n`);
console.log(
  formatTable(
    ["form", "page", ...BUCKETS.map((b) => `follows ${bucketLabel(b)}`)],
    [...results].map(([key, row]) => {
      const [name, page] = key.split(" | ");
      return [name!, page!, ...BUCKETS.map((b) => cell(row.get(bucketLabel(b))))];
    }),
  ),
);

// The winner: a deployable form (engine operation or a native _select statement) that stayed exact,
// with the lowest worst-bucket p99 over first and deep pages.
const worstP99 = new Map<string, number>();
for (const [key, row] of results) {
  const name = key.split(" | ")[0]!;
  const worst = Math.max(...[...row.values()].map((s) => s.p99));
  worstP99.set(name, Math.max(worstP99.get(name) ?? 0, worst));
}
const ranked = [...worstP99]
  .filter(([name]) => !name.includes("alone"))
  .sort((a, b) => a[1] - b[1])
  .map(([name, p99]) => [
    name,
    p99,
    exact.get(name) === false ? "NOT exact" : exact.has(name) ? "exact" : "unchecked",
  ]);
console.log(`\nRanking by worst p99 over buckets and pages (ms)\n`);
console.log(formatTable(["form", "worst p99", "pages"], ranked, 1));
const winner = ranked.find((r) => r[2] === "exact");
console.log(
  `\nWinner: ${winner ? `${winner[0]} (worst p99 ${Number(winner[1]).toFixed(1)} ms, exact)` : "none exact"}`,
);
await raw.close();
