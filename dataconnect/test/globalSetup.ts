// Starts the PostgreSQL server the social suites run on besides PGlite (one per test run), unless
// ROOKERY_TEST_POSTGRES_URL names a server to use instead (any server the tests may create databases on).
import type { TestProject } from "vitest/node";
import { startPostgresServer } from "./support/postgresServer.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.ROOKERY_TEST_POSTGRES_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return async () => {};
  }
  const server = await startPostgresServer();
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
