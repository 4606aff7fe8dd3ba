// A real Postgres server for tests: a throwaway cluster in a temp folder, on a free port of 127.0.0.1.
// Postgres refuses to run as root, so as root (CI) the cluster belongs to `nobody` and its commands run
// through `runuser`. Missing binaries fail loudly: these suites must never pass by not running.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../protocol/support/postgres-gateway.ts";

const run = promisify(execFile);

/** A running cluster: `url` reaches its `postgres` database as the superuser `postgres` (trust auth). */
export interface PostgresServer {
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
}

/** The folder holding `initdb` and `pg_ctl`: on PATH, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBinaries(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(root, versions[0], "bin");
  throw new Error(
    "Postgres server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin: " +
      "install them (Debian: apt-get install postgresql) — the Postgres-server suites need a real server",
  );
}

/** Starts a fresh cluster (as `nobody` when running as root); `stop` removes it. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  const dir = await mkdtemp(path.join(os.tmpdir(), "rookery-pg-"));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await nobody() : null;
  if (owner) await chown(dir, owner.uid, owner.gid);
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  // As root, every command runs as the cluster's owner; the temp folder is theirs.
  const command = (file: string, args: string[]) =>
    owner
      ? run("runuser", ["-u", "nobody", "--", file, ...args], { cwd: dir })
      : run(file, args, { cwd: dir });
  const port = await freePort();
  try {
    await command(path.join(bin, "initdb"), [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    await command(path.join(bin, "pg_ctl"), [
      "-D",
      dataDir,
      "-l",
      logFile,
      "-w",
      "-t",
      "60",
      "-o",
      // Sockets in our folder (never /var/run), TCP on loopback only; durability is not the point here.
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`,
      "start",
    ]);
  } catch (error) {
    const log = await readFile(logFile, "utf8").catch(() => "");
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start a Postgres server in ${dir}: ${(error as Error).message}\n${log}`);
  }
  const { stdout } = await command(path.join(bin, "pg_ctl"), ["--version"]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    version: stdout.trim(),
    async stop() {
      await command(path.join(bin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(
        () => {},
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a new, empty database (a unique name from `prefix`) on the server at `serverUrl`; returns its URL. */
export async function createDatabase(serverUrl: string, prefix = "test"): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const pg = (await import("pg")).default;
  const client = new pg.Client(serverUrl);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function nobody(): Promise<{ uid: number; gid: number }> {
  const { stdout: uid } = await run("id", ["-u", "nobody"]);
  const { stdout: gid } = await run("id", ["-g", "nobody"]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
