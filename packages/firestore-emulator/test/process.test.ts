import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFirestoreEmulator } from "../src/index.ts";
import { adminFirestore, freePort } from "./helpers.ts";

const BIN = path.resolve(import.meta.dirname, "../bin/firestore-emulator");

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Starts the executable with the system's (older) node first on PATH and waits for its ready line. */
async function startExecutable(args: string[]): Promise<{ proc: ChildProcess; output: () => string }> {
  const env = { ...process.env, PATH: `/usr/local/bin:/usr/bin:/bin:${process.env.PATH ?? ""}` };
  const proc = spawn(BIN, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child = proc;
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 15_000);
    proc.stdout!.on("data", () => {
      if (out.includes("Dev App Server is now running.")) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { proc, output: () => out };
}

function exitOf(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => proc.on("exit", (code) => resolve(code)));
}

describe("the firestore-emulator executable", () => {
  it("serves REST and gRPC on the --port it was given and exits cleanly on SIGTERM", async () => {
    const port = await freePort();
    const { proc } = await startExecutable([
      "--host=127.0.0.1",
      `--port=${port}`,
      "--project_id=demo-cli",
      "--single_project_mode=true",
    ]);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("Ok");
    const { db, close } = adminFirestore({ address: `127.0.0.1:${port}` } as never, "demo-cli");
    await db.doc("a/b").set({ v: 1 });
    const cleared = await fetch(
      `http://127.0.0.1:${port}/emulator/v1/projects/demo-cli/databases/(default)/documents`,
      {
        method: "DELETE",
      },
    );
    expect(cleared.status).toBe(200);
    expect((await db.doc("a/b").get()).exists).toBe(false);
    await close();
    const exited = exitOf(proc);
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("exits cleanly on SIGINT", async () => {
    const port = await freePort();
    const { proc } = await startExecutable(["--host=127.0.0.1", `--port=${port}`]);
    const exited = exitOf(proc);
    proc.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("--export_on_exit writes the data on SIGTERM and --import loads it on the next start", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "fs-export-"));
    try {
      const port = await freePort();
      const first = await startExecutable([
        `--port=${port}`,
        "--project_id=demo-cli",
        `--export_on_exit=${dir}`,
      ]);
      const a = adminFirestore({ address: `127.0.0.1:${port}` } as never, "demo-cli");
      await a.db
        .doc("keep/me")
        .set({ n: 1, at: new Date(0), bytes: Buffer.from([7]), nested: { x: [1, "y"] } });
      await a.close();
      const exited = exitOf(first.proc);
      first.proc.kill("SIGTERM");
      expect(await exited).toBe(0);
      const port2 = await freePort();
      const second = await startExecutable([`--port=${port2}`, "--project_id=demo-cli", `--import=${dir}`]);
      const b = adminFirestore({ address: `127.0.0.1:${port2}` } as never, "demo-cli");
      const snap = await b.db.doc("keep/me").get();
      await b.close();
      expect(snap.get("n")).toBe(1);
      expect(snap.get("at").toMillis()).toBe(0);
      expect([...snap.get("bytes")]).toEqual([7]);
      expect(snap.get("nested")).toEqual({ x: [1, "y"] });
      second.proc.kill("SIGTERM");
      await exitOf(second.proc);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects unknown flags with a usage message and exit code 2", async () => {
    const proc = spawn(BIN, ["--bogus=1"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    proc.stderr.on("data", (d) => (err += d));
    expect(await exitOf(proc)).toBe(2);
    expect(err).toContain("Usage: firestore-emulator");
  });
});

describe("one port for HTTP/1.1 and HTTP/2", () => {
  it("unknown REST routes answer 404 and garbage bytes do not take the server down", async () => {
    const emulator = await startFirestoreEmulator({ port: 0, projectId: "demo-mux", log: () => {} });
    try {
      expect((await fetch(`http://${emulator.address}/nope`)).status).toBe(404);
      const socket = net.connect(emulator.port, "127.0.0.1");
      await new Promise((r) => socket.once("connect", r));
      socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00garbage that is not an http2 frame");
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();
      expect(await (await fetch(`http://${emulator.address}/`)).text()).toBe("Ok");
    } finally {
      await emulator.stop();
    }
  });
});
