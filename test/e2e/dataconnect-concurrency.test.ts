// Issue #10: concurrent requests must not corrupt each other, on every database the engine supports —
// firebase-tools' PGlite gateway (one Postgres session for all connections, as `npm start` runs it: the
// engine's executable configured through POST /emulator/configure), the engine's embedded PGlite, and a
// Postgres 15 server. Through HTTP, as the apps send them.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Child, spawnChild } from "../../packages/dataconnect-emulator/test/cli/support/child.ts";
import {
  freePort,
  type PostgresGateway,
  startPostgresGateway,
} from "../../packages/dataconnect-emulator/test/protocol/support/postgres-gateway.ts";
// The globalSetup that starts the Postgres server and provides `postgresUrl` (its type, here).
import type {} from "../../packages/dataconnect-emulator/test/support/global-postgres.ts";
import { createDatabase } from "../../packages/dataconnect-emulator/test/support/postgres-server.ts";
import { repoRoot } from "./support/repo.ts";
import { actualState, runWorkload, seedWorkload, type WorkloadReport } from "./support/social-workload.ts";

const ACCOUNTS = 50;
const STEPS = 12;

interface Backend {
  name: string;
  /** Engine arguments choosing the database, and what to do once it listens (configure it). */
  start(): Promise<{ args: string[]; configure?: (base: string) => Promise<void>; stop(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: "firebase-tools' PGlite gateway (npm start)",
    async start() {
      const gateway: PostgresGateway = await startPostgresGateway("rookery");
      return {
        args: ["--standalone_after_ms=600000"],
        // What firebase-tools sends right after spawning the engine.
        async configure(base) {
          const res = await fetch(`${base}/emulator/configure`, {
            method: "POST",
            body: JSON.stringify({
              connectionString: gateway.url,
              database: "rookery",
              serviceId: "rookery",
            }),
          });
          if (res.status !== 200) throw new Error(`configure failed: ${await res.text()}`);
        },
        stop: () => gateway.stop(),
      };
    },
  },
  {
    name: "embedded PGlite",
    async start() {
      return { args: ["--standalone_after_ms=0"], stop: async () => {} };
    },
  },
  {
    name: "a Postgres 15 server",
    async start() {
      const url = await createDatabase(inject("postgresUrl"), "workload");
      return { args: [`--database_url=${url}`], stop: async () => {} };
    },
  },
];

describe.each(BACKENDS)("concurrent social traffic on $name", (backend) => {
  let engine: Child;
  let stopDatabase: () => Promise<void>;
  let serviceUrl: string;
  let report: WorkloadReport;
  let state: Awaited<ReturnType<typeof actualState>>;

  beforeAll(async () => {
    const database = await backend.start();
    stopDatabase = database.stop;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    engine = spawnChild([
      "--logtostderr",
      "dev",
      `--listen=127.0.0.1:${port}`,
      `--config_dir=${path.join(repoRoot, "dataconnect")}`,
      "--watch=false",
      ...database.args,
    ]);
    await engine.waitFor(/Listening on address/);
    await database.configure?.(base);
    await engine.waitFor(/using database .* \(.*sessions?/, 60_000);
    serviceUrl = `${base}/v1/projects/demo-rookery/locations/us-central1/services/rookery`;
    const posts = await seedWorkload(serviceUrl, ACCOUNTS);
    report = await runWorkload(serviceUrl, { accounts: ACCOUNTS, stepsPerAccount: STEPS, posts, readers: 4 });
    state = await actualState(serviceUrl, ACCOUNTS);
  });
  afterAll(async () => {
    engine?.kill("SIGINT");
    await engine?.exited;
    await stopDatabase?.();
  });

  it("answers every step as it must: deliberate failures fail, everything else succeeds", () => {
    expect(report.surprises).toEqual([]);
    expect(report.calls).toBeGreaterThan(ACCOUNTS * STEPS);
    expect(report.deliberateFailures).toBeGreaterThan(20);
  });

  it("keeps every acknowledged like and follow, and nothing that was refused or taken back", () => {
    expect(new Set(state.likes.map((l) => `${l.userUid} ${l.postId}`))).toEqual(report.expected.likes);
    expect(new Set(state.follows.map((f) => `${f.followerUid} ${f.followeeUid}`))).toEqual(
      report.expected.follows,
    );
  });

  it("keeps every counter equal to the rows it counts", () => {
    const drift = state.users.filter(
      (u) =>
        u.followerCount !== u.followers.length ||
        u.followingCount !== u.following.length ||
        u.postCount !== u.posts.length ||
        u.postCount !== report.expected.postCounts.get(u.uid),
    );
    expect(drift).toEqual([]);
    expect(state.users).toHaveLength(ACCOUNTS);
  });

  it("never logs an aborted transaction", () => {
    expect(engine.output).not.toMatch(/transaction is aborted|read-only transaction/);
  });
});
