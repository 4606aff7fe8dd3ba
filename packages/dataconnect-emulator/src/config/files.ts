import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SourceFile } from "../schema/source.ts";

/**
 * Every file under `dir` (recursively) whose name ends in one of `extensions`, read and sorted by path so
 * that compiling is deterministic. Hidden entries (`.dataconnect/`, editor swap files) are skipped, as
 * firebase-tools' glob does. Paths are made relative to `baseDir`, with `/` separators.
 */
export async function readSourceFiles(
  dir: string,
  extensions: readonly string[],
  baseDir: string,
  options: { recursive?: boolean } = {},
): Promise<SourceFile[]> {
  const entries = await readdir(dir, { recursive: options.recursive ?? true, withFileTypes: true });
  const paths = entries
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter(
      (file) =>
        !path
          .relative(dir, file)
          .split(path.sep)
          .some((segment) => segment.startsWith(".")),
    )
    .sort();
  return Promise.all(
    paths.map(async (file) => ({
      path: path.relative(baseDir, file).split(path.sep).join("/"),
      text: await readFile(file, "utf8"),
    })),
  );
}
