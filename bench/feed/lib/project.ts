// The real Rookery Data Connect service for the benchmark: our schema, connectors and sql/*.sql,
// compiled and migrated by the engine itself (exactly what the emulator does on start).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfigDir } from "../../../packages/dataconnect-emulator/src/config/load.ts";
import {
  type CompiledProject,
  compileProject,
} from "../../../packages/dataconnect-emulator/src/engine/project.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's Data Connect config directory. */
export const CONFIG_DIR = path.resolve(here, "../../../dataconnect");
/** The connector that ships HomeFeed (`connectorId` in dataconnect/connector/connector.yaml). */
export const SHIPPED_CONNECTOR = "social";

/** Compiles `dataconnect/`; throws with every compile error. */
export async function compileRookery(): Promise<CompiledProject> {
  const loaded = await loadConfigDir(CONFIG_DIR);
  if (!loaded.ok) throw new Error(`dataconnect/ does not load: ${JSON.stringify(loaded.errors)}`);
  const compiled = compileProject(loaded.config.sources);
  if (!compiled.ok) throw new Error(`dataconnect/ does not compile: ${JSON.stringify(compiled.errors)}`);
  return compiled.project;
}

/** The `sql: """…"""` text of a native operation in connector file `file` (e.g. HomeFeed's `_select`). */
export async function nativeSqlOf(project: CompiledProject, operation: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(path.join(CONFIG_DIR, "connector", "feeds.gql"), "utf8");
  const start = text.indexOf(`query ${operation}(`);
  if (start < 0 || !project.connectors.get(SHIPPED_CONNECTOR)?.has(operation))
    throw new Error(`${operation} is not in dataconnect/connector/feeds.gql`);
  const open = text.indexOf('"""', text.indexOf("sql:", start)) + 3;
  return text.slice(open, text.indexOf('"""', open)).trim();
}
