import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

/** The executable, as `npm start` runs it. */
export const BIN = path.resolve(import.meta.dirname, "../../bin/firestore-emulator");

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A running engine process. */
export interface EngineProcess {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly address: string;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the output matches; rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * Spawns a command that runs the engine (the executable by default) and waits for its ready line.
 * `wrap` turns the engine's argv into the command to spawn (a shell with limits, a namespace).
 */
export async function startEngine(
  args: string[],
  options: { port?: number; wrap?: (argv: string[]) => string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<EngineProcess> {
  const port = options.port ?? (await freePort());
  const argv = [BIN, "--host=127.0.0.1", `--port=${port}`, ...args];
  const [command, ...rest] = options.wrap ? options.wrap(argv) : argv;
  const proc = spawn(command!, rest, { stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d;
    for (const l of listeners) l();
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        listeners.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (pattern.test(text)) done();
      };
      const timer = setTimeout(
        () => done(new Error(`timed out waiting for ${pattern}:\n${text}`)),
        timeoutMs,
      );
      void exited.then(() => setTimeout(() => done(new Error(`exited before ${pattern}:\n${text}`)), 50));
      listeners.add(check);
      check();
    });
  const engine = { proc, port, address: `127.0.0.1:${port}`, output: () => text, waitFor, exited };
  await waitFor(/Dev App Server is now running\./);
  return engine;
}

/** Kills an engine with SIGKILL (a crash, or a power cut as far as the process knows) and waits. */
export async function crash(engine: EngineProcess): Promise<void> {
  engine.proc.kill("SIGKILL");
  await engine.exited;
}
