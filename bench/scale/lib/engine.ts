// Our Data Connect engine as its own process on the benchmark's database, the way firebase-tools or a
// developer runs it (`dataconnect-emulator dev --database_url=…`), with its memory read from /proc.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../test/e2e/support/ports.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const BIN = path.join(root, "packages/dataconnect-emulator/bin/dataconnect-emulator");

/** A running engine process. */
export interface EngineProcess {
  /** Base URL of the `rookery` service: `…/v1/projects/demo-rookery/locations/us-central1/services/rookery`. */
  serviceUrl: string;
  port: number;
  pid: number;
  /** Resident memory now, in MiB. */
  rssMiB(): Promise<number>;
  /** What it wrote to stderr (the last 64 KiB). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts the engine on `databaseUrl` and resolves once it serves the connector. */
export async function startEngine(databaseUrl: string, extraArgs: string[] = []): Promise<EngineProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    BIN,
    [
      "dev",
      `--config_dir=${path.join(root, "dataconnect")}`,
      `--listen=127.0.0.1:${port}`,
      `--database_url=${databaseUrl}`,
      "--watch=false",
      ...extraArgs,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (d) => {
    log = (log + d).slice(-65_536);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  // However this process ends (an uncaught error included), the engine does not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const base = `http://127.0.0.1:${port}`;
  const serviceUrl = `${base}/v1/projects/demo-rookery/locations/us-central1/services/rookery`;
  const deadline = Date.now() + 600_000; // migrating a 23 GB database may build a new index
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine exited (${child.exitCode}):\n${log}`);
    const ready = await fetch(`${serviceUrl}/connectors/social:executeQuery`, {
      method: "POST",
      body: JSON.stringify({ operationName: "GetMe" }),
    })
      .then((r) => r.status !== 503)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the engine did not become ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    serviceUrl,
    port,
    pid: child.pid!,
    async rssMiB() {
      const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    log: () => log,
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
