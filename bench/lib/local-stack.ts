// `npm start` as a benchmark (or a test) runs it: scripts/start.ts on free ports, with its own data folder,
// waiting until the demo graph is loaded. Extra environment selects variants (e.g. the "before" flags).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { tempFirebaseConfig } from "../../test/e2e/support/config.ts";
import { type CollectedOutput, collectOutput } from "../../test/e2e/support/process.ts";
import { pinnedPath, repoRoot } from "../../test/e2e/support/repo.ts";

/** A running local stack: the emulators' ports, its output, and how to stop it. */
export interface LocalStack {
  ports: Record<string, number>;
  output: CollectedOutput;
  /** Base URL of the Data Connect service `rookery`'s API. */
  serviceUrl: string;
  stop(): Promise<void>;
}

/** Starts `npm start` (scripts/start.ts) and resolves once the demo graph is loaded. */
export async function startLocalStack(
  env: Record<string, string> = {},
  timeoutMs = 240_000,
): Promise<LocalStack> {
  const config = await tempFirebaseConfig();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-stack-"));
  const child = spawn("node", [path.join(repoRoot, "scripts/start.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PATH: pinnedPath(),
      ROOKERY_FIREBASE_CONFIG: config.path,
      ROOKERY_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exited = new Promise((resolve) => child.on("close", resolve));
  const stop = async () => {
    child.kill("SIGINT");
    await exited;
    await config.dispose();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await output.waitFor(/Demo graph loaded in/, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports: config.ports,
    output,
    serviceUrl: `http://127.0.0.1:${config.ports.dataconnect}/v1/projects/demo-rookery/locations/us-central1/services/rookery`,
    stop,
  };
}
