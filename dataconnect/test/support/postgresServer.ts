// The throwaway PostgreSQL server the social suites run on besides PGlite: a fresh cluster in a temp
// folder, durability off (scripts/lib/postgresCluster.ts, shared with the engine's suites and bench/scale).
export {
  type PostgresCluster as PostgresServer,
  startPostgresCluster as startPostgresServer,
} from "../../../scripts/lib/postgresCluster.ts";
