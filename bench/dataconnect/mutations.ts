// Data Connect mutations through the engine next to the same statements as raw SQL, at 8–32
// concurrent clients. PGlite by default (one connection: concurrency only queues);
// pass a Postgres URL to measure a server: node bench/dataconnect/mutations.ts [postgres://…]
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import { openPglite } from "../../packages/dataconnect-emulator/src/db/pglite.ts";
import { openPostgres } from "../../packages/dataconnect-emulator/src/db/postgres.ts";
import {
  compileProject,
  createService,
  migrate,
} from "../../packages/dataconnect-emulator/src/engine/project.ts";
import { runConcurrent } from "../lib/concurrency.ts";
import { formatTable } from "../lib/table.ts";

const url = process.argv[2];
const TOTAL = 2000;
const pgSchema = `bench_mutations_${Date.now()}`;

const SCHEMA = `
type Post @table(key: "slug") { slug: String! likeCount: Int! @default(value: 0) }
type Like @table(key: ["post", "uid"]) { post: Post! uid: String! }`;
const OPERATIONS = `
mutation AddLike($slug: String!, $uid: String!) @auth(level: PUBLIC, insecureReason: "benchmark") {
  like_insert(data: {post: {slug: $slug}, uid: $uid})
}
mutation LikeAndCount($slug: String!, $uid: String!) @auth(level: PUBLIC, insecureReason: "benchmark") @transaction {
  like_insert(data: {post: {slug: $slug}, uid: $uid})
  post_update(key: {slug: $slug}, data: {likeCount_update: {inc: 1}})
}`;

const db: Database = url ? await openPostgres(url) : await openPglite();
const compiled = compileProject({
  serviceId: "bench",
  pgSchema,
  schemaFiles: [{ path: "schema.gql", text: SCHEMA }],
  connectors: [{ id: "default", files: [{ path: "ops.gql", text: OPERATIONS }] }],
  sqlFiles: [],
});
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
await migrate(db, compiled.project);
const service = createService(compiled.project, db);
const q = (name: string) => `"${pgSchema}".${name}`;

const RAW: Record<string, (slug: string, uid: string) => Promise<unknown>> = {
  AddLike: (slug, uid) =>
    db.query(`INSERT INTO ${q('"like"')} (post_slug, uid) VALUES ($1, $2)`, [slug, uid]),
  LikeAndCount: (slug, uid) =>
    db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${q('"like"')} (post_slug, uid) VALUES ($1, $2)`, [slug, uid]);
      await tx.query(`UPDATE ${q("post")} SET like_count = like_count + 1 WHERE slug = $1`, [slug]);
    }),
};

const rows: (string | number)[][] = [];
let round = 0;
for (const operation of Object.keys(RAW)) {
  for (const clients of [8, 16, 32]) {
    for (const path of ["raw SQL", "engine"] as const) {
      round += 1;
      const slug = `post-${round}`;
      await db.query(`INSERT INTO ${q("post")} (slug) VALUES ($1)`, [slug]);
      const result = await runConcurrent(clients, TOTAL, (i) =>
        path === "raw SQL"
          ? RAW[operation]!(slug, `u${i}`)
          : service.executeConnector({
              connector: "default",
              operationName: operation,
              variables: { slug, uid: `u${i}` },
              kind: "mutation",
              caller: { kind: "user", auth: null },
            }),
      );
      const [count] = await db.query<{ n: number }>(
        `SELECT like_count AS n FROM ${q("post")} WHERE slug = $1`,
        [slug],
      );
      if (operation === "LikeAndCount" && count!.n !== TOTAL)
        throw new Error(`${path}: counter ${count!.n} != ${TOTAL}`);
      rows.push([operation, clients, path, result.opsPerSecond, result.latency.p50, result.latency.p99]);
    }
  }
}
console.log(
  `Data Connect mutations vs raw SQL on ${url ? db.description : "PGlite (one connection)"}, ${TOTAL} mutations per row (one hot post)`,
);
console.log(formatTable(["operation", "clients", "path", "ops/s", "p50 ms", "p99 ms"], rows, 2));
await db.exec(`DROP SCHEMA "${pgSchema}" CASCADE`);
await db.close();
