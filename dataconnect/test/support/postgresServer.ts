// A throwaway PostgreSQL server for the social tests: a fresh cluster in a temp folder, on a free
// loopback port, trust authentication, durability off (tests never need it). Postgres refuses to run as
// root, and CI runs as root, so as root the cluster belongs to `nobody` and every server command runs
// as that user (runuser); as anyone else it runs as that user.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../../test/e2e/support/ports.ts";

const run = promisify(execFile);

/** A running throwaway server. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  stop(): Promise<void>;
}

/** Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<major>/bin (newest first). */
function binDir(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter))
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) {
    const dir = path.join(root, major, "bin");
    if (existsSync(path.join(dir, "initdb"))) return dir;
  }
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian: apt-get install postgresql) " +
      "or set ROOKERY_TEST_POSTGRES_URL to a server the tests may create databases on",
  );
}

/** Initializes and starts a cluster; resolves once it accepts connections. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  // As root: run the server's commands as `nobody`, who must own the folder.
  const as = (cmd: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "nobody", "--", path.join(bin, cmd), ...args])
      : run(path.join(bin, cmd), args);
  const dir = await mkdtemp(path.join(os.tmpdir(), "rookery-pg-"));
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "nobody"]);
    const uid = Number(stdout.trim());
    await chown(dir, uid, uid);
  }
  await chmod(dir, 0o700);
  const data = path.join(dir, "data");
  await as("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
      "-c shared_buffers=64MB",
    ].join(" ");
    try {
      await as("pg_ctl", [
        "-D",
        data,
        "-o",
        options,
        "-l",
        path.join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "start",
      ]);
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      return {
        url,
        async stop() {
          await as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Most likely the port was taken between choosing and binding it: try another.
      lastError = new Error(
        `${error instanceof Error ? error.message : error}\n${await readFile(path.join(dir, "server.log"), "utf8").catch(() => "")}`,
      );
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
