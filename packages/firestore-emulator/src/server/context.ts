import type { EmulatorCore } from "../emulator-core.ts";
import { parseDatabaseName, parseResourceName } from "../model/path.ts";
import type { Database } from "../store/database.ts";

/** The database a `database` field (`projects/p/databases/d`) names. */
export function databaseFromName(core: EmulatorCore, name: string | undefined): Database {
  return core.database(parseDatabaseName(name ?? ""));
}

/** The database and path below `documents` a resource name (`.../documents/...`) names. */
export function resolveResource(
  core: EmulatorCore,
  name: string | undefined,
): { db: Database; path: string } {
  const parsed = parseResourceName(name ?? "");
  return { db: core.database(parsed.db), path: parsed.segments.join("/") };
}
