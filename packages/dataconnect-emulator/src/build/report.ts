// `build`: validate schema and connectors and report as the JSON firebase-tools parses from stdout
// (`lib/dataconnect/build.js`): hard errors without `warningLevel`, warnings with one, and the metadata
// deploy needs (Postgres extensions).
import { loadConfigDir } from "../config/load.ts";
import { type CompiledProject, compileProject } from "../engine/project.ts";
import type { CompileError } from "../schema/source.ts";
import { insecureOperationWarnings } from "./insecure.ts";

/** How firebase-tools treats a warning at deploy (absent = a hard error). */
export type WarningLevel =
  | "LOG_ONLY"
  | "INTERACTIVE_ACK"
  | "REQUIRE_ACK"
  | "REQUIRE_FORCE"
  | "ALWAYS_REQUIRED";

/** A GraphqlError as firebase-tools reads it from `build` (`lib/dataconnect/types.d.ts`). */
export interface BuildError {
  message: string;
  locations?: { line: number; column: number }[];
  extensions?: {
    file?: string;
    warningLevel?: WarningLevel;
    workarounds?: { description: string; reason: string; replaceWith: string }[];
  };
}

/** `build`'s stdout: Go's protojson leaves out empty fields, so `errors` only appears when there are some. */
export interface BuildResult {
  errors?: BuildError[];
  metadata?: { primaryDataSource: { postgres: { requiredExtensions?: string[] } } };
}

/** Reads, compiles and checks the service in `configDir`. Never throws for problems in the sources. */
export async function buildReport(configDir: string): Promise<BuildResult> {
  const loaded = await loadConfigDir(configDir);
  if (!loaded.ok) return { errors: loaded.errors.map(toBuildError) };
  let compiled: ReturnType<typeof compileProject>;
  try {
    compiled = compileProject(loaded.config.sources);
  } catch (error) {
    compiled = { ok: false, errors: [{ message: `internal compiler error: ${(error as Error).message}` }] };
  }
  if (!compiled.ok) return { errors: compiled.errors.map(toBuildError) };
  return projectReport(compiled.project);
}

/** The report of a project that compiled: its warnings and metadata. */
export function projectReport(project: CompiledProject): BuildResult {
  const errors: BuildError[] = [];
  for (const [connectorId, operations] of [...project.connectors].sort(([a], [b]) => (a < b ? -1 : 1))) {
    errors.push(...insecureOperationWarnings(connectorId, operations.values()));
  }
  const requiredExtensions = requiredPostgresExtensions(project);
  return {
    ...(errors.length > 0 && { errors }),
    metadata: {
      primaryDataSource: { postgres: requiredExtensions.length > 0 ? { requiredExtensions } : {} },
    },
  };
}

/** Postgres extensions the schema needs: `vector` when some column is a `Vector`. */
export function requiredPostgresExtensions(project: CompiledProject): string[] {
  const usesVector = project.model.tables.some((table) =>
    table.columns.some((column) => column.type.kind === "scalar" && column.type.name === "Vector"),
  );
  return usesVector ? ["vector"] : [];
}

function toBuildError(error: CompileError): BuildError {
  return {
    message: error.message,
    ...(error.line !== undefined && { locations: [{ line: error.line, column: error.column ?? 1 }] }),
    ...(error.file !== undefined && { extensions: { file: error.file } }),
  };
}
