// Brings the database to "migrated and holding the graph of this size": migrates it with our engine
// (exactly the production schema, sql/*.sql included), loads the graph unless the same graph is there
// already, and records what was loaded in `bench_scale_graph`.
import pg from "pg";
import { openPostgres } from "../../../packages/dataconnect-emulator/src/db/postgres.ts";
import { migrate } from "../../../packages/dataconnect-emulator/src/engine/project.ts";
import { compileRookery } from "../../feed/lib/project.ts";
import { Graph, type GraphSize } from "./graph.ts";
import { type LoadSteps, loadGraph } from "./load.ts";
import { Progress } from "./progress.ts";

/** What the database holds after `prepare`. */
export interface Prepared {
  graph: Graph;
  /** Per-step load times, or undefined when the graph was reused. */
  steps: LoadSteps | undefined;
}

/** Migrates the database at `url` and loads the graph (or reuses the one recorded there). */
export async function prepare(
  url: string,
  size: GraphSize,
  reuse: boolean,
  ownCluster: boolean,
): Promise<Prepared> {
  const db = await openPostgres(url, { statementTimeoutMs: 0 });
  const project = await compileRookery();
  await migrate(db, project);
  await db.close();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS bench_scale_graph (size jsonb NOT NULL, steps jsonb, loaded_at timestamptz DEFAULT now())`,
    );
    const { rows } = await client.query<{ size: GraphSize; steps: LoadSteps }>(
      "SELECT size, steps FROM bench_scale_graph",
    );
    const recorded = rows[0];
    // jsonb keeps its own key order: compare key by key.
    const same =
      recorded &&
      Object.keys(size).length === Object.keys(recorded.size).length &&
      Object.entries(size).every(([k, v]) => recorded.size[k as keyof GraphSize] === v);
    if (reuse && same) return { graph: new Graph(size), steps: undefined };
    if (reuse) console.log(`--reuse: the database holds ${JSON.stringify(recorded?.size)}; loading anew`);
    const { rows: users } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "user"`);
    if (!recorded && !ownCluster && users[0]!.n > 0)
      throw new Error("the database holds users but no bench/scale graph: give an empty database");
    // What an earlier run's writes left in tables the load does not fill (post_hashtag: the hashtags of
    // posts written by a run; the generated posts have none, so COPY's trigger adds no row).
    await client.query(
      "DELETE FROM bench_scale_graph; TRUNCATE like_change, bookmark, comment, post_hashtag",
    );
  } finally {
    await client.end();
  }

  const started = performance.now();
  const graph = new Graph(size);
  const setup = (performance.now() - started) / 1000;
  const progress = new Progress();
  let steps: LoadSteps;
  try {
    steps = [["uids, calibration", setup], ...(await loadGraph(url, graph, progress))];
  } finally {
    progress.stop();
  }
  steps.push(["total (wall)", (performance.now() - started) / 1000]);
  const done = new pg.Client({ connectionString: url });
  await done.connect();
  await done.query("INSERT INTO bench_scale_graph (size, steps) VALUES ($1, $2)", [
    JSON.stringify(size),
    JSON.stringify(steps),
  ]);
  await done.end();
  return { graph, steps };
}
