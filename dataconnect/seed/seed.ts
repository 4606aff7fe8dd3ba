import { type DemoGraphSize, demoGraphStatements } from "./demoGraph.ts";

/** Runs one ad-hoc GraphQL document with admin rights (firebase-admin's `executeGraphql`, or the engine's). */
export type AdminGraphql = (query: string) => Promise<{ data: unknown }>;

/** Whether the demo graph is loaded already (its users exist). */
export async function isSeeded(graphql: AdminGraphql): Promise<boolean> {
  const { data } = await graphql(`{ users(where: { uid: { startsWith: "demo-" } }, limit: 1) { uid } }`);
  return ((data as { users?: unknown[] }).users ?? []).length > 0;
}

/** Loads the demo graph statement by statement through Data Connect's native `_execute`. */
export async function seedDemoGraph(graphql: AdminGraphql, size?: DemoGraphSize): Promise<void> {
  for (const sql of demoGraphStatements(size)) {
    if (sql.includes('"""')) throw new Error("seed SQL cannot contain a GraphQL block-string delimiter");
    await graphql(`mutation Seed { _execute(sql: """${sql}""") }`);
  }
}
