// Writes small Data Connect config directories into temp dirs, as tests need them.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** A temp directory with files written into it. */
export interface TempDir {
  readonly dir: string;
  write(file: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

/** Creates a temp dir holding `files` (path relative to it → contents). */
export async function tempDir(files: Record<string, string> = {}): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), "dataconnect-test-"));
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };
  for (const [file, text] of Object.entries(files)) await write(file, text);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `dataconnect.yaml` for service `serviceId` with one schema dir and the given connector dirs. */
export function dataconnectYaml(serviceId = "svc", connectorDirs = ["./connector"]): string {
  return [
    'specVersion: "v1"',
    `serviceId: "${serviceId}"`,
    'location: "us-central1"',
    "schema:",
    '  source: "./schema"',
    "  datasource:",
    "    postgresql:",
    '      database: "fdcdb"',
    `connectorDirs: [${connectorDirs.map((dir) => `"${dir}"`).join(", ")}]`,
    "",
  ].join("\n");
}

/** The schema most suites use: one table of notes owned by a user. */
export const NOTES_SCHEMA = `type Note @table {
  owner: String!
  text: String!
}
`;

/** Connector operations over NOTES_SCHEMA, one per access level the suites check. */
export const NOTES_CONNECTOR = `query ListNotes @auth(level: PUBLIC) {
  notes(orderBy: { text: ASC }) { text owner }
}

query MyNotes @auth(level: USER) {
  notes(where: { owner: { eq_expr: "auth.uid" } }, orderBy: { text: ASC }) { text }
}

query Locked {
  notes { text }
}

mutation AddNote($text: String!) @auth(level: USER) {
  note_insert(data: { owner_expr: "auth.uid", text: $text })
}
`;

/** A complete config directory: NOTES_SCHEMA with connector `main` holding NOTES_CONNECTOR. */
export function notesConfig(serviceId = "svc"): Record<string, string> {
  return {
    "dataconnect.yaml": dataconnectYaml(serviceId),
    "schema/schema.gql": NOTES_SCHEMA,
    "connector/connector.yaml": 'connectorId: "main"\n',
    "connector/queries.gql": NOTES_CONNECTOR,
  };
}
