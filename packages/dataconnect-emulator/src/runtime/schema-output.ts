import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SourceFile } from "../schema/source.ts";

/** Where `--enable_output_schema_extensions` writes the generated schema (spec §3.8). */
export function schemaOutputDir(configDir: string): string {
  return path.join(configDir, ".dataconnect", "schema");
}

/**
 * Writes the schema extension files under `outputDir`, leaving unchanged files untouched (no mtime churn)
 * and deleting the ones `previous` wrote that are no longer produced. Returns the paths written now.
 */
export async function writeSchemaOutput(
  outputDir: string,
  files: readonly SourceFile[],
  previous: ReadonlySet<string> = new Set(),
): Promise<Set<string>> {
  const written = new Set<string>();
  for (const file of files) {
    const target = path.resolve(outputDir, file.path);
    if (!target.startsWith(path.resolve(outputDir) + path.sep)) {
      throw new Error(`schema output path escapes ${outputDir}: ${file.path}`);
    }
    written.add(file.path);
    if ((await readFile(target, "utf8").catch(() => undefined)) === file.text) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text);
  }
  for (const stale of previous) {
    if (!written.has(stale)) await rm(path.resolve(outputDir, stale), { force: true });
  }
  return written;
}
