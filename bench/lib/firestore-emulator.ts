import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../packages/firestore-emulator/bin/firestore-emulator",
);

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Runs the Firestore emulator executable on a free port until its ready line; kill `proc` to stop it. */
export async function startFirestoreExecutable(
  projectId: string,
  extraArgs: string[] = [],
): Promise<{ proc: ChildProcess; port: number; address: string }> {
  const port = await freePort();
  const proc = spawn(BIN, ["--host=127.0.0.1", `--port=${port}`, `--project_id=${projectId}`, ...extraArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("Dev App Server is now running.")) resolve();
    });
    proc.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { proc, port, address: `127.0.0.1:${port}` };
}
