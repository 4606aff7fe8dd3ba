// Where the graph lives: a server database given by URL, or a private cluster in a folder of ours
// (scripts/lib/postgresCluster.ts: initdb + pg_ctl as an unprivileged user), tuned for the benchmark.
import pg from "pg";
import { type PostgresCluster, startPostgresCluster } from "../../../scripts/lib/postgresCluster.ts";
import type { GraphSize } from "./graph.ts";

/** Settings of the private cluster. wal_level = minimal lets the load skip WAL (see load.ts); every
 * measurement runs with durable commits (fsync, synchronous_commit on) and autovacuum on. */
export function clusterSettings(size: GraphSize): Record<string, string | number> {
  const big = size.users >= 200_000;
  return {
    shared_buffers: big ? "4GB" : "256MB",
    effective_cache_size: big ? "12GB" : "1GB",
    work_mem: "16MB",
    maintenance_work_mem: big ? "2GB" : "256MB",
    max_wal_size: "16GB",
    min_wal_size: "1GB",
    checkpoint_timeout: "30min",
    random_page_cost: 1.1,
    jit: "off",
    // Starting parallel workers costs 5–10 ms on 2 cores, more than small feeds take (spec §5).
    max_parallel_workers_per_gather: 0,
    wal_level: "minimal",
    max_wal_senders: 0,
    max_connections: 300,
    shared_preload_libraries: "pg_stat_statements",
  };
}

/** A database to run on, and how to let go of it. */
export interface BenchDatabase {
  /** URL of the database the graph is in. */
  url: string;
  /** What it is, for the results. */
  description: string;
  cluster: PostgresCluster | undefined;
  close(): Promise<void>;
}

/** Opens the server database by URL, or starts (initializing if needed) the private cluster. */
export async function openBenchDatabase(
  databaseUrl: string | undefined,
  clusterDir: string,
  size: GraphSize,
): Promise<BenchDatabase> {
  if (databaseUrl) {
    const version = await serverVersion(databaseUrl);
    return {
      url: databaseUrl,
      description: `${version}, server at ${new URL(databaseUrl).host}`,
      cluster: undefined,
      close: async () => {},
    };
  }
  const cluster = await startPostgresCluster({ dir: clusterDir, settings: clusterSettings(size) });
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'rookery'");
    if (!rowCount) await admin.query("CREATE DATABASE rookery");
    await admin.end();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const url = cluster.url.replace(/\/postgres$/, "/rookery");
  const version = await serverVersion(url);
  return {
    url,
    description: `${version}, private cluster in ${clusterDir} (${Object.entries(clusterSettings(size))
      .filter(([k]) => ["shared_buffers", "wal_level", "max_parallel_workers_per_gather"].includes(k))
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")})`,
    cluster,
    close: () => cluster.stop({ remove: false }),
  };
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT split_part(version(), ' on ', 1) AS v");
    return rows[0]!.v;
  } finally {
    await client.end();
  }
}
