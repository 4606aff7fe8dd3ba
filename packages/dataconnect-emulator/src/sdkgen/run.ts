// `sdk generate`: read the config directory, compile, write the SDKs; with `watch`, again on every change.
import { loadConfigDir } from "../config/load.ts";
import { compileProject } from "../engine/project.ts";
import type { Logger } from "../runtime/log.ts";
import { type ConfigWatcher, directoriesToWatch, watchDirectories } from "../runtime/watch.ts";
import { type CompileError, formatCompileError } from "../schema/source.ts";
import { type GenerationResult, writeGeneratedSdks } from "./write.ts";

/** One generation: the SDKs written, or why the sources could not be compiled. */
export type GenerateOutcome =
  | { ok: true; result: GenerationResult; sourceDirs: string[] }
  | { ok: false; errors: CompileError[]; sourceDirs: string[] };

/** Loads, compiles and generates every SDK configured under `configDir`; errors are logged and returned. */
export async function generateSdks(configDir: string, log: Logger): Promise<GenerateOutcome> {
  const loaded = await loadConfigDir(configDir);
  if (!loaded.ok) return fail(loaded.errors, [], log);
  const sourceDirs = loaded.config.sourceDirs;
  let compiled: ReturnType<typeof compileProject>;
  try {
    compiled = compileProject(loaded.config.sources);
  } catch (error) {
    compiled = { ok: false, errors: [{ message: `internal compiler error: ${(error as Error).message}` }] };
  }
  if (!compiled.ok) return fail(compiled.errors, sourceDirs, log);
  const result = await writeGeneratedSdks(loaded.config, compiled.project, log);
  if (result.sdks === 0)
    log.warn(`no connector in ${configDir} configures generate.javascriptSdk or adminNodeSdk`);
  return { ok: true, result, sourceDirs };
}

/** A running `sdk generate --watch`. */
export interface SdkWatcher {
  /** Resolves after the first generation, with its outcome. */
  readonly first: Promise<GenerateOutcome>;
  close(): void;
}

/** Generates now and after every change under the config directory (debounced, one run at a time). */
export function watchAndGenerate(
  configDir: string,
  log: Logger,
  options: { debounceMs?: number } = {},
): SdkWatcher {
  let watcher: ConfigWatcher | null = null;
  let watchedKey = "";
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  let pending = false;

  const run = (): Promise<GenerateOutcome> => {
    const next = queue.then(async () => {
      pending = false;
      const outcome = await generateSdks(configDir, log).catch(
        (error): GenerateOutcome => fail([{ message: (error as Error).message }], [], log),
      );
      if (!closed) rewatch(outcome.sourceDirs);
      if (outcome.ok) log.info(`generated ${outcome.result.sdks} SDK(s); watching for changes`);
      return outcome;
    });
    queue = next.catch(() => {});
    return next;
  };
  const rewatch = (sourceDirs: string[]) => {
    const dirs = directoriesToWatch(configDir, sourceDirs);
    const key = dirs.join("\n");
    if (key === watchedKey && watcher) return;
    watcher?.close();
    watchedKey = key;
    watcher = watchDirectories(
      dirs,
      () => {
        if (pending || closed) return;
        pending = true;
        log.info("change detected: regenerating SDKs");
        void run();
      },
      {
        debounceMs: options.debounceMs ?? 150,
        onError: (error) => log.warn(`watching ${dirs.join(", ")}: ${error.message}`),
      },
    );
  };
  return {
    first: run(),
    close() {
      closed = true;
      watcher?.close();
    },
  };
}

function fail(errors: CompileError[], sourceDirs: string[], log: Logger): GenerateOutcome {
  for (const error of errors) log.error(formatCompileError(error));
  return { ok: false, errors, sourceDirs };
}
