import { readFileSync, unwatchFile, watchFile } from "node:fs";
import path from "node:path";
import { RulesCompileError } from "../rules/index.ts";
import type { RulesRegistry } from "./rules-registry.ts";

/** How often the rules file is checked for changes (polling survives editors that replace files). */
const POLL_MS = 250;

/**
 * Loads a rules file into the registry (throwing its compile error, `file:line:col - ...`) and
 * reloads it whenever it changes. A broken edit keeps the last good rules and logs why.
 * Returns the function that stops watching.
 */
export function loadAndWatchRules(
  registry: RulesRegistry,
  file: string,
  log: (message: string) => void,
): () => void {
  const relative = path.relative(process.cwd(), file);
  const name = relative && !relative.startsWith("..") ? relative : path.resolve(file);
  let last = readFileSync(file, "utf8");
  registry.loadDefault(last, name);
  const onChange = (curr: { mtimeMs: number; size: number }, prev: { mtimeMs: number; size: number }) => {
    if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (error) {
      log(`Rules file ${name} could not be read (${(error as Error).message}); keeping the last good rules.`);
      return;
    }
    if (source === last) return;
    last = source;
    try {
      registry.loadDefault(source, name);
      log(`Rules updated from ${name}.`);
    } catch (error) {
      if (!(error instanceof RulesCompileError)) throw error;
      for (const issue of error.issues) {
        const p = issue.sourcePosition;
        log(`${p.fileName}:${p.line}:${p.column} - ${issue.severity} ${issue.description}`);
      }
      log(`Rules in ${name} do not compile; keeping the last good rules.`);
    }
  };
  watchFile(file, { interval: POLL_MS, persistent: false }, onChange);
  return () => unwatchFile(file, onChange);
}
