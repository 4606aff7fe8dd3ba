import path from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** PATH with the repo's own bin folder first, so children run the pinned Node 22 and firebase-tools. */
export function pinnedPath(): string {
  return [path.join(repoRoot, "node_modules", ".bin"), process.env.PATH ?? ""].join(path.delimiter);
}
