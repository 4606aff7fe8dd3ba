// One hot post, everybody likes it: LikePost through the engine with the count settled from mutation
// events in batches (what we ship), next to a synchronous counter in the like's own @transaction.
// PGlite by default; pass a Postgres URL to measure a server: node bench/social/likes.ts [postgres://… [likes]]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BatchedSettler } from "../../functions/src/counters/batchedSettler.ts";
import { loadConfigDir } from "../../packages/dataconnect-emulator/src/config/load.ts";
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import { openPglite } from "../../packages/dataconnect-emulator/src/db/pglite.ts";
import { openPostgres } from "../../packages/dataconnect-emulator/src/db/postgres.ts";
import {
  compileProject,
  createService,
  migrate,
} from "../../packages/dataconnect-emulator/src/engine/project.ts";
import type { Caller, Service } from "../../packages/dataconnect-emulator/src/engine/types.ts";
import { runConcurrent } from "../lib/concurrency.ts";
import { formatTable } from "../lib/table.ts";

const url = process.argv[2] || undefined;
const LIKES = Number(process.argv[3] ?? 4000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const loaded = await loadConfigDir(path.join(root, "dataconnect"));
if (!loaded.ok) throw new Error("cannot load dataconnect/");
// The synchronous alternative, compiled into the same connector for the comparison.
const sources = loaded.config.sources;
sources.connectors[0]!.files.push({
  path: "bench.gql",
  text: `mutation LikeAndCount($post: UUID!) @auth(level: USER) @transaction {
    like_insert(data: { userUid_expr: "auth.uid", postId: $post })
    postStat_update(key: { postId: $post }, data: { likeCount_update: { inc: 1 } })
  }`,
});
const compiled = compileProject(sources);
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
const db: Database = url ? await openPostgres(url) : await openPglite();
await db.exec(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public`);
await migrate(db, compiled.project);

let settled = 0;
let lastSettle = 0;
const settler = new BatchedSettler(
  async (posts) => {
    const res = await service.executeConnector({
      connector: "social",
      operationName: "SettleLikeCounts",
      variables: { posts },
      kind: "mutation",
      caller: { kind: "admin" },
    });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    settled++;
    lastSettle = performance.now();
  },
  { flushMs: 200 },
);
const service: Service = createService(compiled.project, db, {
  mutationEventSinks: [
    (event) =>
      event.operation === "LikePost"
        ? settler.add(String((event.data.payload.variables as { post: string }).post))
        : undefined,
  ],
});
const as = (uid: string): Caller => ({
  kind: "user",
  auth: { uid, token: { sub: uid, firebase: { sign_in_provider: "password" } } },
});

await db.exec(
  `INSERT INTO "user" (uid, display_name) SELECT 'u' || g, 'U' || g FROM generate_series(0, ${LIKES * 3}) g`,
);
const rows: (string | number)[][] = [];
let round = 0;
for (const operation of ["LikePost", "LikeAndCount"] as const) {
  for (const clients of [8, 32]) {
    round++;
    const [post] = await db.query<{ id: string }>(
      `INSERT INTO post (author_uid, content) VALUES ('u0', 'hot ${round}') RETURNING id::text`,
    );
    await db.query(`INSERT INTO post_stats (post_id) VALUES ($1)`, [post!.id]);
    const offset = round * LIKES;
    settled = 0;
    const started = performance.now();
    const result = await runConcurrent(clients, LIKES, async (i) => {
      const res = await service.executeConnector({
        connector: "social",
        operationName: operation,
        variables: { post: post!.id },
        kind: "mutation",
        caller: as(`u${(offset + i) % (LIKES * 3)}`),
      });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    });
    const likesDone = performance.now();
    if (operation === "LikePost") await settler.flush();
    const [stat] = await db.query<{ n: number; actual: number }>(
      `SELECT like_count AS n, (SELECT count(*)::int FROM "like" WHERE post_id = $1) AS actual FROM post_stats WHERE post_id = $1`,
      [post!.id],
    );
    if (stat!.n !== stat!.actual || stat!.actual !== LIKES)
      throw new Error(`${operation}: count ${stat!.n}, rows ${stat!.actual}`);
    const settleLag = operation === "LikePost" ? Math.max(0, lastSettle - likesDone) : 0;
    rows.push([
      operation === "LikePost" ? "like row only, settled from events" : "like + counter in one @transaction",
      clients,
      result.opsPerSecond,
      result.latency.p50,
      result.latency.p99,
      settleLag,
      operation === "LikePost" ? settled : LIKES,
      (likesDone - started) / 1000,
    ]);
  }
}
console.log(
  `One hot post, ${LIKES} likes per row, through the Data Connect engine on ${url ? db.description : "PGlite (one connection)"}`,
);
console.log(
  formatTable(
    ["form", "clients", "likes/s", "p50 ms", "p99 ms", "settle lag ms", "count writes", "seconds"],
    rows,
    1,
  ),
);
console.log(
  "settle lag: time from the last like's response to the count being exact; the count is exact after every row.",
);
await db.close();
