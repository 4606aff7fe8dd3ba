/** A `.gql` (or `.sql`) file as read from disk; `path` is relative to config_dir, for error messages. */
export interface SourceFile {
  path: string;
  text: string;
}

/** Everything one Data Connect service is built from, as the config loader collects it. */
export interface ProjectSources {
  serviceId: string;
  /** Postgres schema the tables live in (`datasource.postgresql.schema`, default `public`). */
  pgSchema: string;
  schemaFiles: SourceFile[];
  /**
   * `clientCache` set for some SDK in `connector.yaml` turns realtime on for that connector: without it
   * production sends subscribers no updates.
   */
  connectors: { id: string; files: SourceFile[]; clientCache?: boolean }[];
  /** `dataconnect/sql/*.sql`, applied in file-name order after the schema migration. */
  sqlFiles: SourceFile[];
}

/** A problem in a source file, with the position a person needs to fix it. */
export interface CompileError {
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** `file:line:col: message`, the form editors and terminals link. */
export function formatCompileError(error: CompileError): string {
  const where = [error.file, error.line, error.column].filter((x) => x !== undefined).join(":");
  return where ? `${where}: ${error.message}` : error.message;
}
