import { type FSWatcher, watch } from "node:fs";
import path from "node:path";
import { debounce } from "./debounce.ts";

/** Watchers on a config directory; `close` stops them. */
export interface ConfigWatcher {
  close(): void;
}

/**
 * Calls `onChange` (debounced) when a file changes under any of `dirs`. Hidden paths are ignored: that
 * covers the `.dataconnect/` output the emulator writes itself (which would otherwise loop) and editors'
 * swap files.
 */
export function watchDirectories(
  dirs: readonly string[],
  onChange: () => void,
  options: { debounceMs: number; onError: (error: Error) => void },
): ConfigWatcher {
  const changed = debounce(onChange, options.debounceMs);
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const watcher = watch(dir, { recursive: true }, (_event, filename) => {
        if (filename === null || isRelevantChange(filename.toString())) changed();
      });
      watcher.on("error", options.onError);
      watchers.push(watcher);
    } catch (error) {
      options.onError(error as Error);
    }
  }
  return {
    close() {
      changed.cancel();
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** Whether a changed path (relative to a watched directory) may change what the emulator serves. */
export function isRelevantChange(relativePath: string): boolean {
  return !relativePath.split(/[\\/]/).some((segment) => segment.startsWith("."));
}

/**
 * The directories to watch: the config directory, plus any schema or connector directory outside it
 * (`source: ../shared`), since a recursive watch of the config directory does not see those.
 */
export function directoriesToWatch(configDir: string, sourceDirs: readonly string[]): string[] {
  const root = path.resolve(configDir);
  const outside = sourceDirs
    .map((dir) => path.resolve(dir))
    .filter((dir) => {
      const relative = path.relative(root, dir);
      return relative.startsWith("..") || path.isAbsolute(relative);
    });
  return [root, ...new Set(outside)];
}
