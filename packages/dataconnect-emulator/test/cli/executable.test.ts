// The process contract, through the real executable: argv, listening, standalone database, configure,
// watch, signals, exit codes.
import { symlink } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { notesConfig, type TempDir, tempDir } from "../protocol/support/config-dir.ts";
import { connectorUrl, eventually, postJson } from "../protocol/support/emulator.ts";
import {
  freePort,
  type PostgresGateway,
  startPostgresGateway,
} from "../protocol/support/postgres-gateway.ts";
import { BIN, type Child, spawnChild } from "./support/child.ts";

let config: TempDir;
const children: Child[] = [];
const temps: TempDir[] = [];

beforeAll(async () => {
  config = await tempDir(notesConfig());
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill("SIGKILL");
    await child.exited;
  }
});
afterAll(async () => {
  await config.remove();
  for (const temp of temps) await temp.remove();
});

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function start(args: string[], options?: Parameters<typeof spawnChild>[1]): Child {
  const child = spawnChild(args, options);
  children.push(child);
  return child;
}

const listNotes = (base: string) =>
  postJson(connectorUrl(base, "executeQuery"), { operationName: "ListNotes" });

/** Waits until the emulator at `base` serves ListNotes (its database is up). */
const serving = (base: string) => eventually(async () => (await listNotes(base)).status === 200, 30_000);

describe("dataconnect-emulator dev", () => {
  it("serves on every --listen address, starts standalone, follows configure, and exits 0 on SIGTERM", async () => {
    const [v4, v6] = [await freePort(), await freePort()];
    const child = start([
      "--logtostderr",
      "-v=2",
      "dev",
      `--listen=127.0.0.1:${v4},[::1]:${v6}`,
      `--config_dir=${config.dir}`,
      "--enable_output_schema_extensions=true",
      "--enable_output_generated_sdk=true",
      "--standalone_after_ms=200",
    ]);
    await child.waitFor(new RegExp(`Listening on address \\(HTTP \\+ gRPC\\): 127\\.0\\.0\\.1:${v4}`));
    await child.waitFor(new RegExp(`Listening on address \\(HTTP \\+ gRPC\\): \\[::1\\]:${v6}`));
    await serving(`http://127.0.0.1:${v4}`);
    expect((await listNotes(`http://[::1]:${v6}`)).body).toEqual({ data: { notes: [] } });
    expect(child.output).toMatch(/starting embedded PGlite \(memory\)/);

    const gateway: PostgresGateway = await startPostgresGateway();
    try {
      const configured = await postJson(`http://127.0.0.1:${v4}/emulator/configure`, {
        connectionString: gateway.url,
        database: "fdcdb",
        serviceId: "svc",
      });
      expect(configured).toEqual({ status: 200, body: {} });
      const info = await (await fetch(`http://127.0.0.1:${v4}/emulator/info`)).json();
      expect(info).toMatchObject({
        services: [{ serviceId: "svc", connectionString: expect.stringContaining(`:${gateway.port}/`) }],
      });
      expect((await listNotes(`http://127.0.0.1:${v4}`)).body).toEqual({ data: { notes: [] } });

      const stopping = Date.now();
      child.kill("SIGTERM");
      expect(await child.exited).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(5000);
    } finally {
      await gateway.stop();
    }
  });

  it("listens before loading the engine: info answers at once, and a configure sent then completes once compiled and migrated", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const gateway: PostgresGateway = await startPostgresGateway();
    try {
      const child = start([
        "--logtostderr",
        "dev",
        `--listen=127.0.0.1:${port}`,
        `--config_dir=${config.dir}`,
        "--standalone_after_ms=600000",
      ]);
      await eventually(() => portOpen(port), 30_000);
      // As firebase-tools does, the moment the port is open: configure, then info.
      const configured = postJson(`${base}/emulator/configure`, {
        connectionString: gateway.url,
        database: "fdcdb",
        serviceId: "svc",
      });
      expect((await fetch(`${base}/emulator/info`)).status).toBe(200);
      expect(await configured).toEqual({ status: 200, body: {} });
      expect((await listNotes(base)).body).toEqual({ data: { notes: [] } });
      const listening = child.output.indexOf("Listening on address");
      expect(listening).toBeGreaterThanOrEqual(0);
      expect(child.output.indexOf('loaded service "svc"')).toBeGreaterThan(listening);
    } finally {
      await gateway.stop();
    }
  });

  it("keeps data in --data_dir across restarts", async () => {
    const data = await tempDir();
    const seeded = await tempDir({
      ...notesConfig(),
      "sql/seed.sql": "INSERT INTO note (owner, text) VALUES ('alice', 'persisted');",
    });
    temps.push(data, seeded);
    const run = async () => {
      const port = await freePort();
      const child = start([
        "dev",
        `--listen=127.0.0.1:${port}`,
        `--config_dir=${seeded.dir}`,
        `--data_dir=${data.dir}`,
      ]);
      await serving(`http://127.0.0.1:${port}`);
      const notes = (await listNotes(`http://127.0.0.1:${port}`)).body;
      child.kill("SIGINT");
      expect(await child.exited).toBe(0);
      return notes;
    };
    expect(await run()).toEqual({ data: { notes: [{ text: "persisted", owner: "alice" }] } });
    await seeded.write("sql/seed.sql", "SELECT 1;");
    expect(await run()).toEqual({ data: { notes: [{ text: "persisted", owner: "alice" }] } });
  });

  it("reloads an edited connector while running, and logs a broken edit with file:line:col", async () => {
    const watched = await tempDir(notesConfig());
    temps.push(watched);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = start([
      "dev",
      `--listen=127.0.0.1:${port}`,
      `--config_dir=${watched.dir}`,
      "--standalone_after_ms=0",
    ]);
    await serving(base);
    await watched.write("connector/extra.gql", "query Extra @auth(level: PUBLIC) { notes { owner } }\n");
    await eventually(
      async () =>
        (await postJson(connectorUrl(base, "executeQuery"), { operationName: "Extra" })).status === 200,
    );
    await watched.write("connector/extra.gql", "query Extra @auth(level: PUBLIC) {\n  notes { nope }\n}\n");
    await child.waitFor(/connector\/extra\.gql:2:\d+: .*nope/);
    expect((await postJson(connectorUrl(base, "executeQuery"), { operationName: "Extra" })).status).toBe(200);
  });

  it("exits 1 naming the address when the port is taken", async () => {
    const blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => blocker.once("listening", resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const child = start(["dev", `--listen=127.0.0.1:${port}`, `--config_dir=${config.dir}`]);
      expect(await child.exited).toBe(1);
      expect(child.output).toContain(`listen tcp 127.0.0.1:${port}: bind: address already in use`);
    } finally {
      blocker.close();
    }
  });

  it("exits 2 with the usage on a bad command line", async () => {
    const child = start(["dev", "--listen=nonsense", `--config_dir=${config.dir}`]);
    expect(await child.exited).toBe(2);
    expect(child.output).toMatch(/--listen: "nonsense" is not host:port[\s\S]*usage: dataconnect-emulator/);
  });
});

describe("dataconnect-emulator sdk generate / build", () => {
  it.each([["sdk", "generate"], ["build"]])(
    "%s without --config_dir exits 2 with the usage",
    async (...command) => {
      const child = start(["--logtostderr", "-v=2", ...command]);
      expect(await child.exited).toBe(2);
      expect(child.output).toMatch(/needs --config_dir=DIR[\s\S]*usage: dataconnect-emulator/);
    },
  );
});

describe("bin/dataconnect-emulator", () => {
  it("runs on the pinned Node 22 through a symlink, even when PATH has no node", async () => {
    const link = path.join(config.dir, "emulator-link");
    await symlink(BIN, link);
    const child = start(["build", `--config_dir=${config.dir}`], {
      executable: link,
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(await child.exited).toBe(0);
    expect(JSON.parse(child.output)).toHaveProperty("metadata.primaryDataSource.postgres");
  });
});
