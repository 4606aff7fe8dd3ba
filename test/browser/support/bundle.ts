import { build, type Rolldown } from "vite";
import { repoRoot } from "../../e2e/support/repo.ts";

/**
 * Bundles an ES module for the browser (Vite, browser export conditions, the packages installed in
 * this repo) and returns its source, to serve to a test page. `entry` is a path from the repo root,
 * e.g. `test/browser/support/firestore-sdk.ts` for the web SDK's Firestore.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: "warn",
    root: repoRoot,
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      write: false,
      minify: false,
      target: "es2022",
      lib: { entry, formats: ["es"], fileName: "bundle" },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((o) => o.type === "chunk");
  if (chunks.length !== 1) throw new Error(`expected one chunk from ${entry}, got ${chunks.length}`);
  return chunks[0]!.code;
}
