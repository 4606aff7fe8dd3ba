// A private PostgreSQL cluster run by an unprivileged user: `initdb` + `pg_ctl` from PATH or Debian's
// /usr/lib/postgresql/<major>/bin, data and sockets in a folder we own, TCP on a free loopback port.
// Postgres refuses to run as root, so as root (CI, these machines) the folder belongs to `nobody` and
// every server command runs through `runuser -u nobody`. Used by the test suites (throwaway clusters
// in a temp folder, durability off) and by bench/scale (a named folder kept between runs).
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../test/e2e/support/ports.ts";

const run = promisify(execFile);

/** A running cluster: `url` reaches its `postgres` database as the superuser `postgres` (trust auth). */
export interface PostgresCluster {
  readonly url: string;
  /** `pg_ctl (PostgreSQL) 15.x` */
  readonly version: string;
  /** The folder holding `data/`, the sockets and `server.log`. */
  readonly dir: string;
  /** Stops the server (fast shutdown); `remove` also deletes the folder. */
  stop(options?: { remove?: boolean }): Promise<void>;
}

/** How to run a cluster. */
export interface ClusterOptions {
  /** Folder to keep the cluster in (created, initialized if empty, reused otherwise); default: a temp folder. */
  dir?: string;
  /** Server settings (`-c name=value`), e.g. `{ shared_buffers: "4GB" }`. */
  settings?: Record<string, string | number>;
}

/** Settings of a throwaway test cluster: durability off (tests never need it). */
export const THROWAWAY_SETTINGS: Record<string, string | number> = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: 200,
  shared_buffers: "64MB",
};

/** The folder holding `initdb` and `pg_ctl`: on PATH, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBinaries(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter))
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(root, versions[0], "bin");
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin: " +
      "install them (Debian: apt-get install postgresql), or give a server URL instead",
  );
}

/** Runs a server command as the cluster's owner (`nobody` when we are root). */
function serverCommand(bin: string, asRoot: boolean) {
  return (cmd: string, args: string[], cwd: string) =>
    asRoot
      ? run("runuser", ["-u", "nobody", "--", path.join(bin, cmd), ...args], { cwd })
      : run(path.join(bin, cmd), args, { cwd });
}

/**
 * Starts a cluster in `options.dir` (initializing it when the folder holds none) or in a fresh temp
 * folder; resolves once it accepts connections on a free loopback port.
 */
export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBinaries();
  const asRoot = process.getuid?.() === 0;
  const command = serverCommand(bin, asRoot);
  const temporary = !options.dir;
  const dir = options.dir ? path.resolve(options.dir) : await mkdtemp(path.join(os.tmpdir(), "rookery-pg-"));
  await mkdir(dir, { recursive: true });
  if (asRoot) {
    const { stdout: uid } = await run("id", ["-u", "nobody"]);
    const { stdout: gid } = await run("id", ["-g", "nobody"]);
    await chown(dir, Number(uid.trim()), Number(gid.trim()));
  }
  await chmod(dir, 0o700);
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  const fail = async (error: unknown) => {
    const log = await readFile(logFile, "utf8").catch(() => "");
    if (temporary) await rm(dir, { recursive: true, force: true });
    return new Error(
      `could not start a Postgres server in ${dir}: ${(error as Error).message}\n${log.slice(-4000)}`,
    );
  };
  if (!existsSync(path.join(data, "PG_VERSION"))) {
    try {
      await command(
        "initdb",
        ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
        dir,
      );
    } catch (error) {
      throw await fail(error);
    }
  }
  // A server an interrupted run left behind in a kept folder: stop it, then start with our settings.
  if (existsSync(path.join(data, "postmaster.pid")))
    await command("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"], dir).catch(() => {});
  const settings = { ...(temporary ? THROWAWAY_SETTINGS : {}), ...options.settings };
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const flags = [
      `-p ${port}`,
      `-k ${dir}`, // sockets in our folder, never /var/run
      "-c listen_addresses=127.0.0.1",
      ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
    ].join(" ");
    try {
      await command("pg_ctl", ["-D", data, "-l", logFile, "-w", "-t", "120", "-o", flags, "start"], dir);
      const { stdout } = await command("pg_ctl", ["--version"], dir);
      return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        version: stdout.trim(),
        dir,
        async stop({ remove = temporary } = {}) {
          await command(
            "pg_ctl",
            ["-D", data, "-m", temporary ? "immediate" : "fast", "-w", "stop"],
            dir,
          ).catch(() => {});
          if (remove) await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Most likely the port was taken between choosing and binding it: try another.
      lastError = error;
    }
  }
  throw await fail(lastError);
}

/** Stops a cluster left running in `dir` (if any) and deletes the folder. */
export async function removePostgresCluster(dir: string): Promise<void> {
  const data = path.join(path.resolve(dir), "data");
  if (existsSync(path.join(data, "postmaster.pid"))) {
    const command = serverCommand(findPostgresBinaries(), process.getuid?.() === 0);
    await command("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"], dir).catch(() => {});
  }
  await rm(dir, { recursive: true, force: true });
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
