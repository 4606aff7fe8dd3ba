import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { CompileError, ProjectSources } from "../schema/source.ts";
import { readSourceFiles } from "./files.ts";
import { parseYamlFile } from "./parse-yaml.ts";
import {
  type ConnectorYaml,
  connectorYamlSchema,
  dataconnectYamlSchema,
  mainSchemaOf,
} from "./yaml-schemas.ts";

/** A connector as configured: its id, directory and SDK generation settings (`generate:`). */
export interface ConnectorConfig {
  id: string;
  /** Absolute directory. */
  dir: string;
  generate: ConnectorYaml["generate"];
  /** `connector.yaml`, relative to the config directory (for messages). */
  file: string;
}

/** A config directory, read: what the core compiles plus what the runtime needs around it. */
export interface LoadedConfig {
  sources: ProjectSources;
  /** `datasource.postgresql.database` (default `postgres`), the database firebase-tools creates. */
  database: string;
  location: string | undefined;
  connectors: ConnectorConfig[];
  /** Absolute directories the sources were read from (schema, then connectors), for watching. */
  sourceDirs: string[];
}

/** A config directory, read, or every reason it could not be. */
export type LoadResult = { ok: true; config: LoadedConfig } | { ok: false; errors: CompileError[] };

const GQL_EXTENSIONS = [".gql", ".graphql"];

/**
 * Reads a Data Connect config directory: `dataconnect.yaml`, the main schema's `.gql` files, each connector
 * directory's `connector.yaml` and `.gql` files, and `sql/*.sql`. File paths in the result (and in errors)
 * are relative to `configDir`.
 */
export async function loadConfigDir(configDir: string): Promise<LoadResult> {
  const root = path.resolve(configDir);
  const yamlFile = "dataconnect.yaml";
  const yamlText = await readText(path.join(root, yamlFile));
  if (yamlText === undefined) {
    return { ok: false, errors: [{ message: `dataconnect.yaml not found in ${root}`, file: yamlFile }] };
  }
  const yaml = parseYamlFile(yamlFile, yamlText, dataconnectYamlSchema);
  if (!yaml.ok) return yaml;
  const mainSchema = mainSchemaOf(yaml.value);
  if (!mainSchema) {
    return {
      ok: false,
      errors: [{ message: "schemas: no main schema (one with id `main` or no id)", file: yamlFile }],
    };
  }

  const errors: CompileError[] = [];
  const schemaDir = path.resolve(root, mainSchema.source);
  const schemaFiles = await readDirectory(
    schemaDir,
    root,
    `schema.source: directory ${mainSchema.source}`,
    errors,
  );

  const connectors: ConnectorConfig[] = [];
  const connectorSources: ProjectSources["connectors"] = [];
  for (const relativeDir of yaml.value.connectorDirs) {
    const dir = path.resolve(root, relativeDir);
    const connectorFile = toPosix(path.relative(root, path.join(dir, "connector.yaml")));
    const text = await readText(path.join(dir, "connector.yaml"));
    if (text === undefined) {
      errors.push({ message: `connectorDirs: ${relativeDir} has no connector.yaml`, file: yamlFile });
      continue;
    }
    const connectorYaml = parseYamlFile(connectorFile, text, connectorYamlSchema);
    if (!connectorYaml.ok) {
      errors.push(...connectorYaml.errors);
      continue;
    }
    const id = connectorYaml.value.connectorId;
    if (connectors.some((connector) => connector.id === id)) {
      errors.push({ message: `connectorId: "${id}" is used by another connector too`, file: connectorFile });
      continue;
    }
    const files = await readDirectory(dir, root, `connectorDirs: directory ${relativeDir}`, errors);
    connectors.push({ id, dir, generate: connectorYaml.value.generate, file: connectorFile });
    connectorSources.push({ id, files, clientCache: hasClientCache(connectorYaml.value.generate) });
  }

  const sqlDir = path.join(root, "sql");
  const sqlFiles = (await isDirectory(sqlDir))
    ? await readSourceFiles(sqlDir, [".sql"], root, { recursive: false })
    : [];
  if (errors.length > 0) return { ok: false, errors };

  const postgresql = mainSchema.datasource?.postgresql;
  return {
    ok: true,
    config: {
      sources: {
        serviceId: yaml.value.serviceId,
        pgSchema: postgresql?.schema ?? "public",
        schemaFiles,
        connectors: connectorSources,
        sqlFiles,
      },
      database: postgresql?.database ?? "postgres",
      location: yaml.value.location,
      connectors,
      sourceDirs: [schemaDir, ...connectors.map((connector) => connector.dir)],
    },
  };
}

/** firebase-tools' rule: any SDK of the connector (web or native) with `clientCache` enables the cache. */
function hasClientCache(generate: ConnectorYaml["generate"]): boolean {
  for (const key of ["javascriptSdk", "swiftSdk", "kotlinSdk", "dartSdk"]) {
    const sdks = (generate as Record<string, unknown> | null | undefined)?.[key];
    const list = Array.isArray(sdks) ? sdks : sdks ? [sdks] : [];
    if (list.some((sdk) => sdk && typeof sdk === "object" && (sdk as { clientCache?: unknown }).clientCache))
      return true;
  }
  return false;
}

async function readDirectory(dir: string, root: string, what: string, errors: CompileError[]) {
  if (!(await isDirectory(dir))) {
    errors.push({ message: `${what} does not exist`, file: "dataconnect.yaml" });
    return [];
  }
  return readSourceFiles(dir, GQL_EXTENSIONS, root);
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}
