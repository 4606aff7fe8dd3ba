import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startFirestoreEmulator } from "@rookery/firestore-emulator";
import { freePort } from "../../e2e/support/ports.ts";
import { collectOutput } from "../../e2e/support/process.ts";
import { repoRoot } from "../../e2e/support/repo.ts";

/** A running Firestore engine as browser tests drive it. */
export interface FirestoreEngine {
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly address: string;
  /** Deletes every document of the project. */
  clear(): Promise<void>;
  /**
   * Stops the engine with its data saved, runs `whileDown`, and starts it again on the same port
   * with that data, as a developer restarting `npm start` would.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/** What an engine starts with besides its project. */
export interface EngineOptions {
  /** Security rules enforced on client requests (default: none, everything allowed). */
  readonly rules?: string;
}

/** The engine in this process (fast; what most browser tests use). */
export async function inProcessEngine(
  projectId: string,
  options: EngineOptions = {},
): Promise<FirestoreEngine> {
  const start = (port: number, importDir?: string) =>
    startFirestoreEmulator({
      host: HOST,
      port,
      projectId,
      log: () => {},
      ...(options.rules ? { rules: options.rules } : {}),
      ...(importDir ? { importDir } : {}),
    });
  let running = await start(0);
  return {
    host: HOST,
    port: running.port,
    address: running.address,
    clear: async () => running.clear(),
    async restart(whileDown) {
      const dir = await mkdtemp(path.join(os.tmpdir(), "rookery-firestore-restart-"));
      try {
        await running.exportData(dir);
        await running.stop();
        await whileDown?.();
        running = await start(running.port, dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    stop: () => running.stop(),
  };
}

const EXECUTABLE = path.join(repoRoot, "packages/firestore-emulator/bin/firestore-emulator");

/** The engine's executable, as `npm start` runs it: stopped with SIGTERM, its data exported on exit. */
export async function executableEngine(projectId: string): Promise<FirestoreEngine> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-firestore-data-"));
  const launch = async (importData: boolean) => {
    const child = spawn(
      EXECUTABLE,
      [
        `--host=${HOST}`,
        `--port=${port}`,
        `--project_id=${projectId}`,
        `--export_on_exit=${dataDir}`,
        ...(importData ? [`--import=${dataDir}`] : []),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    await collectOutput(child).waitFor(/Dev App Server is now running\./, 30_000);
    return child;
  };
  const stopChild = (child: Awaited<ReturnType<typeof launch>>) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  let child = await launch(false);
  return {
    host: HOST,
    port,
    address: `${HOST}:${port}`,
    async clear() {
      const url = `http://${HOST}:${port}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
      const response = await fetch(url, { method: "DELETE" });
      if (response.status !== 200) throw new Error(`clearing failed: ${response.status}`);
    },
    async restart(whileDown) {
      await stopChild(child);
      await whileDown?.();
      child = await launch(true);
    },
    async stop() {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
