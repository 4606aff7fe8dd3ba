// Data Connect engine overhead: the same reads through the engine (connector operations, plans
// cached) and as hand-written SQL on the same PGlite, side by side.
// Run: node bench/dataconnect/overhead.ts [iterations]
import { openPglite } from "../../packages/dataconnect-emulator/src/db/pglite.ts";
import {
  compileProject,
  createService,
  migrate,
} from "../../packages/dataconnect-emulator/src/engine/project.ts";
import type { Caller } from "../../packages/dataconnect-emulator/src/engine/types.ts";
import { summarize, timeSequential } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const ITERATIONS = Number(process.argv[2] ?? 2000);
const MOVIES = 10_000;

const SCHEMA = `
type User @table(key: "uid") { uid: String! displayName: String! }
type Movie @table { title: String! genre: String! @index rating: Float! createdAt: Timestamp! @index }
type Review @table(key: ["movie", "user"]) { movie: Movie! user: User! rating: Int! }`;

const OPERATIONS = `
query GetMovie($id: UUID!) @auth(level: PUBLIC) { movie(id: $id) { id title rating } }
query TopInGenre($genre: String!) @auth(level: PUBLIC) {
  movies(where: {genre: {eq: $genre}}, orderBy: [{rating: DESC}], limit: 20) { id title rating }
}
query MovieWithReviews($id: UUID!) @auth(level: PUBLIC) {
  movie(id: $id) { title reviews_on_movie(orderBy: [{rating: DESC}], limit: 10) { rating user { displayName } } }
}`;

const RAW: Record<string, string> = {
  GetMovie: "SELECT id, title, rating FROM movie WHERE id = $1",
  TopInGenre: "SELECT id, title, rating FROM movie WHERE genre = $1 ORDER BY rating DESC LIMIT 20",
  MovieWithReviews:
    'SELECT m.title, r.rating, u.display_name FROM movie m LEFT JOIN LATERAL (SELECT * FROM review r WHERE r.movie_id = m.id ORDER BY r.rating DESC LIMIT 10) r ON true LEFT JOIN "user" u ON u.uid = r.user_uid WHERE m.id = $1',
};

const db = await openPglite();
const compiled = compileProject({
  serviceId: "bench",
  pgSchema: "public",
  schemaFiles: [{ path: "schema.gql", text: SCHEMA }],
  connectors: [{ id: "default", files: [{ path: "ops.gql", text: OPERATIONS }] }],
  sqlFiles: [],
});
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
await migrate(db, compiled.project);
const service = createService(compiled.project, db);

await db.exec(`
  INSERT INTO "user" (uid, display_name) SELECT 'u' || g, 'User ' || g FROM generate_series(1, 1000) g;
  INSERT INTO movie (title, genre, rating, created_at)
    SELECT 'Movie ' || g, (ARRAY['drama','comedy','crime','family','horror'])[1 + g % 5], (g % 50) / 10.0, now() - (g || ' minutes')::interval
    FROM generate_series(1, ${MOVIES}) g;
  INSERT INTO review (movie_id, user_uid, rating)
    SELECT m.id, 'u' || (1 + (hashtext(m.id::text || k) & 1023) % 1000), 1 + k % 5
    FROM movie m, generate_series(1, 5) k ON CONFLICT DO NOTHING;
  ANALYZE;
`);
const ids = (await db.query<{ id: string }>("SELECT id FROM movie ORDER BY random() LIMIT 500")).map(
  (r) => r.id,
);
const genres = ["drama", "comedy", "crime", "family", "horror"];
const caller: Caller = { kind: "user", auth: null };
const variables = (name: string, i: number): Record<string, unknown> =>
  name === "TopInGenre" ? { genre: genres[i % genres.length] } : { id: ids[i % ids.length] };
const rawParams = (name: string, i: number): unknown[] => Object.values(variables(name, i));

const rows: (string | number)[][] = [];
for (const name of Object.keys(RAW)) {
  // Warm both paths (plan caches, Postgres buffers) before measuring.
  for (let i = 0; i < 200; i++) {
    await db.query(RAW[name]!, rawParams(name, i));
    await service.executeConnector({
      connector: "default",
      operationName: name,
      variables: variables(name, i),
      kind: "query",
      caller,
    });
  }
  const raw = summarize(await timeSequential(ITERATIONS, (i) => db.query(RAW[name]!, rawParams(name, i))));
  const engine = summarize(
    await timeSequential(ITERATIONS, (i) =>
      service.executeConnector({
        connector: "default",
        operationName: name,
        variables: variables(name, i),
        kind: "query",
        caller,
      }),
    ),
  );
  rows.push([name, "raw SQL", raw.p50, raw.p95, raw.p99]);
  rows.push([name, "engine", engine.p50, engine.p95, engine.p99]);
  rows.push([name, "overhead", engine.p50 - raw.p50, engine.p95 - raw.p95, engine.p99 - raw.p99]);
}
console.log(
  `Data Connect engine vs raw SQL on PGlite (${MOVIES} movies, ${ITERATIONS} sequential requests each), ms`,
);
console.log(formatTable(["operation", "path", "p50", "p95", "p99"], rows, 3));
await db.close();
