// Running the real executable as a child process and reading its output.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

/** `packages/dataconnect-emulator/bin/dataconnect-emulator`. */
export const BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../bin/dataconnect-emulator",
);

/** A spawned emulator process with its output so far. */
export interface Child {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  readonly output: string;
  /** Resolves when the output (stdout + stderr) matches; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns `executable` (the emulator by default) with `args`. */
export function spawnChild(
  args: string[],
  options: { executable?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  const child = spawn(options.executable ?? BIN, args, {
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | string>((resolve) =>
    child.on("close", (code, signal) => {
      for (const listener of listeners) listener();
      resolve(code ?? signal ?? "unknown");
    }),
  );
  return {
    process: child,
    get output() {
      return output;
    },
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`timed out waiting for ${pattern}:\n${output}`)),
          timeoutMs,
        );
        const done = (error?: Error, match?: RegExpMatchArray) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(match!);
        };
        const check = () => {
          const match = output.match(pattern);
          if (match) done(undefined, match);
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(new Error(`process exited before printing ${pattern}:\n${output}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
    exited,
    kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
