// vitest globalSetup: one throwaway Postgres server for the whole run (see postgres-server.ts); tests
// read its URL with `inject("postgresUrl")` and create their own databases on it.
import type { TestProject } from "vitest/node";
import { startPostgresServer } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
