import type { ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";

/** Output of a child process as it arrives (stdout and stderr interleaved), with a way to wait for a line. */
export interface CollectedOutput {
  readonly text: string;
  /** Resolves once the output matches `pattern`; rejects after `timeoutMs` or when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
}

/** Starts collecting a child's stdout and stderr. */
export function collectOutput(child: ChildProcessByStdio<null, Readable, Readable>): CollectedOutput {
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return {
    get text() {
      return text;
    },
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const done = (error?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          child.off("close", onClose);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (pattern.test(text)) done();
        };
        const onClose = () => done(new Error(`process exited before printing ${pattern}:\n${text}`));
        const timer = setTimeout(
          () => done(new Error(`timed out waiting for ${pattern}:\n${text}`)),
          timeoutMs,
        );
        listeners.add(check);
        child.on("close", onClose);
        check();
      });
    },
  };
}
