// Generates the social graph inside the database with set-based SQL (generate_series, random() after
// setseed), into the tables the real schema migration created. Shapes follow
// shared/specs/feed-performance.md §2: log-normal following capped at 5,000, zipf-like followers,
// author skew, posts over 90 days in time order, ~2% tombstoned, some blocks and mutes, plus planted
// users following exactly 10 / 100 / 1,000 / 5,000 accounts (the measured sample).
import { createHash } from "node:crypto";
import type { Database, Queryable } from "../../../packages/dataconnect-emulator/src/db/database.ts";
import { BUCKETS } from "./buckets.ts";

/** How big a graph to generate. */
export interface GraphSize {
  users: number;
  /** Target number of follow edges (planted included); the log-normal mean is derived from it. */
  follows: number;
  posts: number;
  /** Planted users per follow bucket. */
  plantedPerBucket: number;
}

/** The newest instant in the graph; posts span the 90 days before it. Fixed, so runs repeat. */
export const GRAPH_END = "2026-01-01T00:00:00Z";
const NINETY_DAYS_S = 90 * 86_400;
const SIGMA = 1.6;
/** Share of post requests that create two posts at once (same author, same request.time): real ties. */
const PAIR_SHARE = 0.05;

/** User number `i` (1-based) as a 28-character, Firebase-Auth-like uid. */
export function uidOf(i: number): string {
  return createHash("md5").update(`rookery:${i}`).digest("hex").slice(0, 28);
}

/** Planted user numbers of bucket index `b` (0-based): the last 4×P user numbers, ordinary accounts. */
export function plantedUsers(size: GraphSize, b: number): number[] {
  const first = size.users - BUCKETS.length * size.plantedPerBucket + b * size.plantedPerBucket + 1;
  return Array.from({ length: size.plantedPerBucket }, (_, k) => first + k);
}

/** Seconds each load step took, in order. */
export type LoadTimes = [step: string, seconds: number][];

/** Fills an empty, migrated database with a graph of `size`; returns per-step wall times. */
export async function generateGraph(db: Database, size: GraphSize, parallel: boolean): Promise<LoadTimes> {
  const times: LoadTimes = [];
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const start = performance.now();
    await fn();
    times.push([name, (performance.now() - start) / 1000]);
  };
  const N = size.users;
  const P = size.plantedPerBucket;
  const firstPlanted = N - BUCKETS.length * P + 1;
  const plantedFollows = P * BUCKETS.reduce((s, c) => s + c, 0);
  // Zipf draws of the same followee are merged, so aim the log-normal mean a little above the target.
  const meanFollows = (1.12 * Math.max(0, size.follows - plantedFollows)) / Math.max(1, firstPlanted - 1);
  const mu = Math.log(Math.max(1, meanFollows)) - (SIGMA * SIGMA) / 2;
  const requests = Math.round(size.posts / (1 + PAIR_SHARE));
  const seeded = (seed: number, sql: string) =>
    db.transaction(async (tx: Queryable) => {
      await tx.query("SELECT setseed($1)", [seed]);
      await tx.exec(sql);
    });

  const saved = await dropKeysAndIndexes(db);
  await db.exec(`
    CREATE OR REPLACE FUNCTION bench_uid(int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT substr(md5('rookery:' || $1), 1, 28) $$;
    DROP TABLE IF EXISTS bench_edge;
    CREATE UNLOGGED TABLE bench_edge (a int NOT NULL, b int NOT NULL, rn int);`);

  const follows = async () => {
    await step("follows: generate edges (int, deduplicated)", () =>
      seeded(
        0.11,
        `INSERT INTO bench_edge (a, b)
         SELECT DISTINCT a, b FROM (
           SELECT u.i AS a, (floor(${N} * random() ^ 3) + 1)::int AS b
           FROM (SELECT i, least(5000, floor(exp(${mu} + ${SIGMA} * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::int AS c
                 FROM generate_series(1, ${firstPlanted - 1}) i) u,
                generate_series(1, u.c) k
         ) d WHERE a <> b;
         -- Planted users: distinct zipf-drawn followees (3c draws give ~2c distinct), c kept at random.
         INSERT INTO bench_edge (a, b, rn)
         SELECT a, b, rn FROM (
           SELECT a, b, c, row_number() OVER (PARTITION BY a ORDER BY random()) AS rn FROM (
             SELECT DISTINCT s.a, s.c, (floor(${N} * random() ^ 3) + 1)::int AS b
             FROM (SELECT i AS a, (ARRAY[${BUCKETS.join(",")}])[1 + (i - ${firstPlanted}) / ${P}] AS c
                   FROM generate_series(${firstPlanted}, ${N}) i) s,
                  generate_series(1, 3 * s.c) k
           ) d WHERE a <> b
         ) r WHERE rn <= c;`,
      ),
    );
    await step("follows: insert rows (uids)", () =>
      seeded(
        0.12,
        `INSERT INTO follow (follower_uid, followee_uid, created_at)
         SELECT bench_uid(a), bench_uid(b), timestamptz '${GRAPH_END}' - random() * interval '365 days' FROM bench_edge`,
      ),
    );
  };

  const posts = async () => {
    await step("posts: generate + insert (time order)", () =>
      seeded(
        0.21,
        `INSERT INTO post (id, content, visibility, created_at, deleted_at, author_uid)
         SELECT md5('post:' || r.g || ':' || j)::uuid,
                CASE WHEN d.del THEN '' ELSE 'Post ' || r.g || '.' || j || ': ' || repeat('lorem ipsum ', 8) END,
                (CASE WHEN r.followers_only THEN 'FOLLOWERS' ELSE 'PUBLIC' END)::visibility,
                r.t, CASE WHEN d.del THEN r.t + interval '1 hour' END, bench_uid(r.a)
         FROM (SELECT g, (floor(${N} * random() ^ 1.5) + 1)::int AS a,
                      timestamptz '${GRAPH_END}' - interval '90 days'
                        + floor(g::float8 * ${NINETY_DAYS_S} / ${requests}) * interval '1 second' AS t,
                      random() < 0.1 AS followers_only,
                      CASE WHEN random() < ${PAIR_SHARE} THEN 2 ELSE 1 END AS n
               FROM generate_series(1, ${requests}) g) r,
              LATERAL generate_series(1, r.n) j,
              LATERAL (SELECT random() < 0.02 AS del WHERE j > 0) d`,
      ),
    );
    await step("post_stats + likes", () =>
      seeded(
        0.31,
        `INSERT INTO post_stats (post_id, like_count)
         SELECT id, lc FROM (SELECT id, floor(4 * random() ^ 6)::int AS lc FROM post WHERE deleted_at IS NULL) s WHERE lc > 0;
         INSERT INTO "like" (user_uid, post_id, created_at)
         SELECT bench_uid(1 + ((('x' || substr(md5(s.post_id::text), 1, 7))::bit(28)::int + k * 7919) % ${N})), s.post_id,
                timestamptz '${GRAPH_END}'
         FROM post_stats s, generate_series(1, s.like_count) k;`,
      ),
    );
  };

  if (parallel) await Promise.all([follows(), posts()]);
  else {
    await follows();
    await posts();
  }

  await step("blocks + mutes (background and planted)", () =>
    seeded(
      0.41,
      `INSERT INTO mute (user_uid, target_uid, created_at)
       SELECT bench_uid(a), bench_uid(b), timestamptz '${GRAPH_END}' FROM (
         SELECT DISTINCT (floor(random() * ${N}) + 1)::int AS a, (floor(${N} * random() ^ 3) + 1)::int AS b
         FROM generate_series(1, ${Math.ceil(N / 20)})) m
       WHERE a <> b AND a < ${firstPlanted}
       UNION ALL
       SELECT bench_uid(a), bench_uid(b), timestamptz '${GRAPH_END}' FROM bench_edge WHERE rn % 25 = 7;
       -- Blocks between accounts that follow each other cannot arise through the Block mutation (it
       -- removes the follows); planted here anyway so that the feed's block filter has work to do.
       INSERT INTO block (user_uid, target_uid, created_at)
       SELECT bench_uid(a), bench_uid(b), timestamptz '${GRAPH_END}' FROM (
         SELECT DISTINCT (floor(random() * ${N}) + 1)::int AS a, (floor(random() * ${N}) + 1)::int AS b
         FROM generate_series(1, ${Math.ceil(N / 50)})) x
       WHERE a <> b AND a < ${firstPlanted} AND b < ${firstPlanted}
       UNION ALL
       SELECT bench_uid(a), bench_uid(b), timestamptz '${GRAPH_END}' FROM bench_edge WHERE rn % 40 = 11
       UNION
       SELECT bench_uid(b), bench_uid(a), timestamptz '${GRAPH_END}' FROM bench_edge WHERE rn % 40 = 13;`,
    ),
  );

  await step("users with counters", () =>
    db.exec(`
      INSERT INTO "user" (uid, username, display_name, following_count, follower_count, post_count, created_at, updated_at)
      SELECT bench_uid(i), 'user' || i, 'User ' || i, coalesce(fo.n, 0), coalesce(fe.n, 0), coalesce(po.n, 0),
             timestamptz '${GRAPH_END}' - interval '400 days', timestamptz '${GRAPH_END}' - interval '400 days'
      FROM generate_series(1, ${N}) i
      LEFT JOIN (SELECT a, count(*)::int AS n FROM bench_edge GROUP BY a) fo ON fo.a = i
      LEFT JOIN (SELECT b, count(*)::int AS n FROM bench_edge GROUP BY b) fe ON fe.b = i
      LEFT JOIN (SELECT author_uid, count(*)::int AS n FROM post WHERE deleted_at IS NULL GROUP BY author_uid) po
        ON po.author_uid = bench_uid(i);
      DROP TABLE bench_edge;
      DROP FUNCTION bench_uid(int);`),
  );

  await restoreKeysAndIndexes(db, saved, parallel, step);
  await step("VACUUM (FREEZE, ANALYZE)", () => db.exec("VACUUM (FREEZE, ANALYZE)"));
  return times;
}

/** Tables the graph fills; their keys, indexes and foreign keys are dropped for the load. */
const LOADED = ['"user"', "post", "follow", '"like"', "block", "mute", "post_stats"];

interface SavedDdl {
  constraints: { table: string; name: string; def: string; kind: string }[];
  indexes: { table: string; def: string }[];
}

/** Drops the migrated keys, indexes and foreign keys of the loaded tables, returning their DDL. */
async function dropKeysAndIndexes(db: Database): Promise<SavedDdl> {
  const regclasses = LOADED.map((t) => `'${t}'::regclass`).join(", ");
  const constraints = await db.query<{ table: string; name: string; def: string; kind: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def, contype AS kind
     FROM pg_constraint
     WHERE (conrelid IN (${regclasses}) AND contype IN ('p', 'u', 'f')) OR (confrelid IN (${regclasses}) AND contype = 'f')`,
  );
  const indexes = await db.query<{ table: string; def: string; name: string }>(
    `SELECT indrelid::regclass::text AS table, pg_get_indexdef(indexrelid) AS def, indexrelid::regclass::text AS name
     FROM pg_index WHERE indrelid IN (${regclasses})
       AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u'))`,
  );
  for (const c of constraints.filter((c) => c.kind === "f"))
    await db.exec(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const c of constraints.filter((c) => c.kind !== "f"))
    await db.exec(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const i of indexes) await db.exec(`DROP INDEX ${i.name}`);
  return { constraints, indexes };
}

/** Re-creates what `dropKeysAndIndexes` dropped: keys and indexes (per table in parallel), then FKs. */
async function restoreKeysAndIndexes(
  db: Database,
  saved: SavedDdl,
  parallel: boolean,
  step: (name: string, fn: () => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const perTable = new Map<string, string[]>();
  for (const c of saved.constraints.filter((c) => c.kind !== "f"))
    perTable.set(c.table, [
      ...(perTable.get(c.table) ?? []),
      `ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`,
    ]);
  for (const i of saved.indexes) perTable.set(i.table, [...(perTable.get(i.table) ?? []), i.def]);
  const build = async (table: string, ddl: string[]) => {
    await step(`${table}: keys + ${ddl.length} indexes`, async () => {
      for (const statement of ddl) await db.exec(statement);
    });
  };
  const jobs = [...perTable].sort(([a], [b]) =>
    a === "follow" ? -1 : b === "follow" ? 1 : a.localeCompare(b),
  );
  if (parallel) {
    // Two sessions, one per core: follow (the biggest) on one, everything else on the other.
    const [first, ...rest] = jobs;
    await Promise.all([
      first ? build(...first) : undefined,
      (async () => {
        for (const job of rest) await build(...job);
      })(),
    ]);
  } else for (const job of jobs) await build(...job);
  await step("foreign keys (validated)", async () => {
    for (const c of saved.constraints.filter((c) => c.kind === "f"))
      await db.exec(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`);
  });
}
