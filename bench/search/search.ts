// Search through the engine (connector/search.gql: SearchUsers, SearchPosts, HashtagFeed,
// TrendingHashtags, the caller's visibility and mutes applied) next to the naive alternative each one
// replaces (ILIKE scans) and, for the hashtag operations, the queries they were before post_hashtag
// (sql/070: parsing posts' text), side by side, on a generated graph. PGlite by default; a server by URL, or
// `server` for a throwaway local PostgreSQL server (initdb/pg_ctl, stopped at the end):
//   node bench/search/search.ts [pglite|server|postgres://…] [posts=20000] [users=posts/10] [samples=20]
// The default is the demo size (`npm start`: 2,000 accounts, 20,000 posts).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgresServer } from "../../dataconnect/test/support/postgresServer.ts";
import { loadConfigDir } from "../../packages/dataconnect-emulator/src/config/load.ts";
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import { openPglite } from "../../packages/dataconnect-emulator/src/db/pglite.ts";
import { openPostgres } from "../../packages/dataconnect-emulator/src/db/postgres.ts";
import {
  compileProject,
  createService,
  migrate,
} from "../../packages/dataconnect-emulator/src/engine/project.ts";
import type { Caller } from "../../packages/dataconnect-emulator/src/engine/types.ts";
import { summarize, timeSequential } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const POSTS = Number(process.argv[3] ?? 20_000);
const USERS = Number(process.argv[4] ?? Math.max(100, Math.floor(POSTS / 10)));
const SAMPLES = Number(process.argv[5] ?? 20);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const loaded = await loadConfigDir(path.join(root, "dataconnect"));
if (!loaded.ok) throw new Error("cannot load dataconnect/");
const compiled = compileProject(loaded.config.sources);
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
const server = process.argv[2] === "server" ? await startPostgresServer() : undefined;
const target = server?.url ?? (process.argv[2] && process.argv[2] !== "pglite" ? process.argv[2] : undefined);
const db: Database = target ? await openPostgres(target, { statementTimeoutMs: 0 }) : await openPglite();
try {
  await db.exec(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public`);
  await migrate(db, compiled.project);
  const service = createService(compiled.project, db);

  // The graph: accounts with accented display names, 5% private; 20 follows each; posts over the last
  // 7 days of words from a 5,000-word vocabulary drawn with a skew (w1 is in a third of the posts,
  // w4000 in a few dozen), a third with a hashtag of 300 (skewed too), 10% for followers only.
  const loadStart = performance.now();
  await db.exec(`SELECT setseed(0.42)`);
  await db.exec(`
  INSERT INTO "user" (uid, username, display_name, is_private, created_at, updated_at)
  SELECT 'u' || g, (ARRAY['ada','zoe','jose','bjorn','noemie','lukasz','grace','alan'])[1 + g % 8] || g,
         (ARRAY['Ada','Zoë','José','Björn','Noémie','Łukasz','Grace','Alan'])[1 + g % 8] || ' ' ||
         (ARRAY['Lovelace','Straße','Müller','Ångström','Hopper','Turing'])[1 + g % 6],
         g % 20 = 0, now() - interval '30 days', now()
  FROM generate_series(1, ${USERS}) g`);
  await db.exec(`
  INSERT INTO follow (follower_uid, followee_uid, created_at)
  SELECT DISTINCT 'u' || f, 'u' || t, now()
  FROM (SELECT f, 1 + (f + floor(random() * (${USERS} - 1)))::int % ${USERS} AS t
        FROM generate_series(1, ${USERS}) f, generate_series(1, 20)) x
  ON CONFLICT DO NOTHING`);
  await db.exec(`
  INSERT INTO post (author_uid, content, visibility, created_at)
  SELECT 'u' || (1 + floor(random() * ${USERS}))::int,
         (SELECT string_agg('w' || (1 + floor(power(random(), 3) * 5000))::int, ' ')
            FROM generate_series(1, 8 + (g % 5)) WHERE g > 0)
         || CASE WHEN g % 3 = 0 THEN ' #tag' || (1 + floor(power(random(), 2) * 300))::int ELSE '' END,
         CASE WHEN g % 10 = 0 THEN 'FOLLOWERS' ELSE 'PUBLIC' END::visibility,
         now() - random() * interval '7 days'
  FROM generate_series(1, ${POSTS}) g`);
  await db.exec(`INSERT INTO post_stats (post_id, updated_at) SELECT id, now() FROM post`);
  // What HashtagFeed used before post_hashtag (sql/070): a GIN index over the parsed hashtags.
  await db.exec(
    `CREATE INDEX IF NOT EXISTS post_hashtags_idx ON post USING gin (post_hashtags(content)) WHERE deleted_at IS NULL`,
  );
  await db.exec(`ANALYZE`);
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const viewer: Caller = {
    kind: "user",
    auth: { uid: "u7", token: { sub: "u7", firebase: { sign_in_provider: "password" } } },
  };
  const NEWEST = { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
  let lastRows = 0;
  const engine = (operationName: string, variables: Record<string, unknown>) => async () => {
    const res = await service.executeConnector({
      connector: "social",
      operationName,
      variables,
      kind: "query",
      caller: viewer,
    });
    if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
    const data = res.data as Record<string, unknown[]>;
    lastRows = (data._select ?? data.users ?? data.tags ?? []).length;
  };
  const naive = (sql: string, params: unknown[]) => async () => {
    lastRows = (await db.query(sql, params)).length;
  };
  // What the search replaces: a pattern scan of every live post (no folding, no visibility rule even).
  const naivePosts = (pattern: string) =>
    naive(
      `SELECT id FROM post WHERE deleted_at IS NULL AND content ILIKE $1 ORDER BY created_at DESC LIMIT 20`,
      [pattern],
    );

  // The two hashtag operations as they were before post_hashtag (sql/070): parsing posts' text.
  const PARSED_HASHTAG_FEED = `
    WITH page AS (
      SELECT p.created_at, p.id FROM visible_posts($1) p
      WHERE post_hashtags(p.content) @> ARRAY[hashtag_key($2)]
        AND (p.created_at, p.id) < ($3::timestamptz, $4::uuid)
        AND NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = p.author_uid)
      ORDER BY p.created_at DESC, p.id DESC LIMIT 20
    )
    SELECT c.* FROM page CROSS JOIN LATERAL post_card($1, page.id) c ORDER BY page.created_at DESC, page.id DESC`;
  const PARSED_TRENDING = `
    SELECT t.tag, count(*)::int AS posts, count(DISTINCT p.author_uid)::int AS authors
    FROM visible_posts($1) p CROSS JOIN LATERAL unnest(post_hashtags(p.content)) AS t(tag)
    WHERE p.created_at > now() - interval '24 hours' AND p.content ~ '[#\\uff03\\ufe5f]'
      AND NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = p.author_uid)
    GROUP BY t.tag ORDER BY count(DISTINCT p.author_uid) DESC, count(*) DESC, t.tag LIMIT 10`;

  const cases: [string, string, () => Promise<void>][] = [
    ["users: username prefix 'zoe1'", "SearchUsers (index)", engine("SearchUsers", { query: "zoe1" })],
    [
      "users: username prefix 'zoe1'",
      "ILIKE scan",
      naive(`SELECT uid FROM "user" WHERE username ILIKE $1 ORDER BY username LIMIT 20`, ["zoe1%"]),
    ],
    ["users: display name 'zoe stra'", "SearchUsers (GIN)", engine("SearchUsers", { query: "zoe stra" })],
    [
      "users: display name 'zoe stra'",
      "ILIKE scan (no accents)",
      naive(`SELECT uid FROM "user" WHERE display_name ILIKE $1 ORDER BY username LIMIT 20`, ["zoë straße%"]),
    ],
    ["posts: rare word 'w4000'", "SearchPosts (FTS)", engine("SearchPosts", { query: "w4000", ...NEWEST })],
    ["posts: rare word 'w4000'", "ILIKE scan", naivePosts("%w4000 %")],
    ["posts: common word 'w1'", "SearchPosts (FTS)", engine("SearchPosts", { query: "w1", ...NEWEST })],
    ["posts: common word 'w1'", "ILIKE scan", naivePosts("%w1 %")],
    ["posts: 'w2 w3 -w1'", "SearchPosts (FTS)", engine("SearchPosts", { query: "w2 w3 -w1", ...NEWEST })],
    [
      "#tag page '#tag150'",
      "HashtagFeed (post_hashtag)",
      engine("HashtagFeed", { tag: "#tag150", ...NEWEST }),
    ],
    ["#tag page '#tag150'", "ILIKE scan", naivePosts("%#tag150")],
    [
      "#tag page '#tag150'",
      "before: GIN, sort every match",
      naive(PARSED_HASHTAG_FEED, ["u7", "tag150", NEWEST.beforeTime, NEWEST.beforeId]),
    ],
    [
      "#tag page '#tag1' (popular)",
      "HashtagFeed (post_hashtag)",
      engine("HashtagFeed", { tag: "#tag1", ...NEWEST }),
    ],
    ["#tag page '#tag1' (popular)", "ILIKE scan", naivePosts("%#tag1")],
    [
      "#tag page '#tag1' (popular)",
      "before: GIN, sort every match",
      naive(PARSED_HASHTAG_FEED, ["u7", "tag1", NEWEST.beforeTime, NEWEST.beforeId]),
    ],
    ["trending, last 24 h", "TrendingHashtags (post_hashtag)", engine("TrendingHashtags", { limit: 10 })],
    ["trending, last 24 h", "before: parse every visible post", naive(PARSED_TRENDING, ["u7"])],
  ];

  // Same answer both ways, or the comparison means nothing.
  const trending = await service.executeConnector({
    connector: "social",
    operationName: "TrendingHashtags",
    variables: { limit: 10 },
    kind: "query",
    caller: viewer,
  });
  const parsed = await db.query(PARSED_TRENDING, ["u7"]);
  if (JSON.stringify((trending.data as { tags: unknown }).tags) !== JSON.stringify(parsed))
    throw new Error(`TrendingHashtags differs from the parsing query: ${JSON.stringify([trending, parsed])}`);

  const rows: (string | number)[][] = [];
  for (const [what, how, run] of cases) {
    await run(); // warm: plan cache, buffers
    const stats = summarize(await timeSequential(SAMPLES, run));
    rows.push([what, how, String(lastRows), stats.p50, stats.p95]);
  }
  const backend = target
    ? `PostgreSQL server (${(await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]!.v})`
    : "PGlite";
  console.log(
    `search on ${backend}: ${USERS.toLocaleString("en")} accounts, ${POSTS.toLocaleString("en")} posts ` +
      `(loaded and indexed in ${loadSeconds.toFixed(0)} s), ${SAMPLES} samples each, one client, viewer u7`,
  );
  console.log(formatTable(["query", "implementation", "rows", "p50 ms", "p95 ms"], rows));
} finally {
  await db.close();
  await server?.stop();
}
