// A real Postgres server for tests: a throwaway cluster in a temp folder (scripts/lib/postgresCluster.ts,
// shared with the social suites and bench/scale). Missing binaries fail loudly: these suites must never
// pass by not running.
export {
  createDatabase,
  type PostgresCluster as PostgresServer,
  startPostgresCluster as startPostgresServer,
} from "../../../../scripts/lib/postgresCluster.ts";
