// The I/O edge of SDK generation: writes planned SDKs (unchanged files untouched, so watchers and bundlers
// see no churn), removes files of switched-off options, and wires `packageJsonDir`.
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import type { CompiledProject } from "../engine/project.ts";
import type { Logger } from "../runtime/log.ts";
import { fileDependency, type GeneratedSdk, planSdks } from "./generate.ts";
import { withSdkDependency } from "./packageJson.ts";

/** What a generation run did. */
export interface GenerationResult {
  /** SDKs generated (one per `javascriptSdk`/`adminNodeSdk` entry). */
  sdks: number;
  /** Files whose content changed (created, rewritten or removed). */
  changedFiles: string[];
}

/** Plans and writes every SDK the config asks for; logs what it did. */
export async function writeGeneratedSdks(
  config: LoadedConfig,
  project: CompiledProject,
  log: Logger,
): Promise<GenerationResult> {
  const plan = planSdks(config, project);
  for (const warning of plan.warnings) log.warn(warning);
  const changedFiles: string[] = [];
  for (const sdk of plan.sdks) {
    log.info(
      `[connector "${sdk.connectorId}" ${sdk.kind}] Generating sources into ${JSON.stringify(sdk.outputDir)}`,
    );
    const changed = await writeSdk(sdk);
    changedFiles.push(...changed);
    log.debug(1, `[connector "${sdk.connectorId}" ${sdk.kind}] ${changed.length} file(s) changed`);
    const wired = await wirePackageJson(sdk, log);
    if (wired) changedFiles.push(wired);
  }
  return { sdks: plan.sdks.length, changedFiles };
}

/** Writes one SDK's files; returns the absolute paths that changed. */
export async function writeSdk(sdk: GeneratedSdk): Promise<string[]> {
  const changed: string[] = [];
  const root = path.resolve(sdk.outputDir);
  for (const [relative, text] of sdk.files) {
    const target = path.resolve(root, relative);
    if ((await readFile(target, "utf8").catch(() => undefined)) === text) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    changed.push(target);
  }
  // Only files of the known layout are removed: the output directory may hold the user's own files.
  for (const relative of sdk.layout) {
    if (sdk.files.has(relative)) continue;
    const target = path.resolve(root, relative);
    if ((await readFile(target, "utf8").catch(() => undefined)) === undefined) continue;
    await rm(target, { force: true });
    changed.push(target);
    await removeEmptyDirectories(path.dirname(target), root);
  }
  return changed;
}

/**
 * As the official tool: adds `"<package>": "file:<outputDir>"` to the dependencies of
 * `<packageJsonDir>/package.json` when that file exists (and says so); without one, nothing is wired.
 * Returns the path when the file changed.
 */
async function wirePackageJson(sdk: GeneratedSdk, log: Logger): Promise<string | undefined> {
  if (!sdk.packageJsonDir) return undefined;
  const file = path.join(sdk.packageJsonDir, "package.json");
  const text = await readFile(file, "utf8").catch(() => undefined);
  const where = `[connector "${sdk.connectorId}" ${sdk.kind}]`;
  if (text === undefined) {
    log.warn(
      `${where} packageJsonDir: no package.json in ${sdk.packageJsonDir}; ${sdk.packageName} is not added to it`,
    );
    return undefined;
  }
  const spec = fileDependency(sdk.packageJsonDir, sdk.outputDir);
  let updated: string | undefined;
  try {
    updated = withSdkDependency(text, sdk.packageName, spec);
  } catch (error) {
    log.warn(`${where} packageJsonDir: ${file} is not valid JSON (${(error as Error).message}); left alone`);
    return undefined;
  }
  if (updated === undefined) return undefined;
  await writeFile(file, updated);
  log.info(
    `${where} added "${sdk.packageName}": "${spec}" to the dependencies in ${file}; run npm install there`,
  );
  return file;
}

async function removeEmptyDirectories(dir: string, root: string): Promise<void> {
  let current = dir;
  while (current.startsWith(root + path.sep)) {
    const entries = await readdir(current).catch(() => ["?"]);
    if (entries.length > 0) return;
    await rmdir(current).catch(() => {});
    current = path.dirname(current);
  }
}
