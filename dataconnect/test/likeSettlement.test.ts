// Like counts converge: through the functions' event path (retried, acknowledged only after the
// recount commits) and, whatever happens to events, through the scheduled sweep, which the tests call
// as the deployed function (`.run()`). The convergence bound (dataconnect/README.md) rests on three
// facts proven here: a sweep settles every post with pending like changes; a sweep killed mid-batch
// leaves the changes it did not commit pending, so the next sweep settles them; and concurrent
// recounts never leave a stale count on a post with nothing pending. On PGlite and a PostgreSQL server.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DataConnect } from "firebase-admin/data-connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { likeCountSettler, settleLikeCounts } from "../../functions/src/counters/likeCounts.ts";
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import {
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../packages/dataconnect-emulator/src/index.ts";
import { BACKENDS, openDatabase } from "./support.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

describe.each(BACKENDS)("like settlement (%s)", (backend) => {
  let db: Database;
  let emulator: RunningEmulator;
  let host = "";
  let fns: typeof import("../../functions/src/index.ts");
  let admin: DataConnect;

  beforeAll(async () => {
    db = await openDatabase(backend);
    emulator = await startDataConnectEmulator({
      configDir: path.join(here, ".."),
      database: db,
      standaloneAfterMs: 0,
      projectId: "demo-rookery",
    });
    host = `127.0.0.1:${emulator.addresses[0]!.port}`;
    Object.assign(process.env, {
      GCLOUD_PROJECT: "demo-rookery",
      DATA_CONNECT_EMULATOR_HOST: host,
      METADATA_SERVER_DETECTION: "none",
    });
    // The deployed functions, as Cloud Functions loads them (no mutation-event sink: every event is lost).
    fns = await import("../../functions/src/index.ts");
    admin = (await import("../../functions/src/dataconnect/client.ts")).socialConnector();
    await db.exec(
      `INSERT INTO "user" (uid, display_name) SELECT 'u' || g, 'U' || g FROM generate_series(0, 99) g`,
    );
  });
  beforeEach(() => {
    process.env.DATA_CONNECT_EMULATOR_HOST = host;
  });
  afterAll(async () => {
    await emulator.stop();
    await db.close();
  });

  /** `n` new posts by u0, each with its stats row. */
  const newPosts = async (n: number) =>
    (
      await db.query<{ id: string }>(
        `WITH p AS (INSERT INTO post (author_uid, content) SELECT 'u0', 'post ' || g FROM generate_series(1, ${n}) g RETURNING id)
         INSERT INTO post_stats (post_id) SELECT id FROM p RETURNING replace(post_id::text, '-', '') AS id`,
      )
    ).map((r) => r.id);
  /** Runs a connector mutation over HTTP as `uid`, as a signed-in client would. */
  const as = (uid: string, operationName: string, variables: Record<string, unknown>) =>
    asRaw(uid, operationName, JSON.stringify(variables));
  /** As `as`, with the variables' JSON written by hand (deeper than JSON.stringify can go). */
  const asRaw = async (uid: string, operationName: string, variablesJson: string) => {
    const impersonate = { authClaims: { sub: uid, firebase: { sign_in_provider: "password" } } };
    const res = await fetch(
      `${emulator.url}/v1/projects/demo-rookery/locations/us-central1/services/rookery/connectors/social:impersonateMutation`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"operationName":${JSON.stringify(operationName)},"variables":${variablesJson},"extensions":${JSON.stringify({ impersonate })}}`,
      },
    );
    return { status: res.status, body: (await res.text()).slice(0, 500) };
  };
  const wrongCounts = () =>
    db.query(`SELECT s.post_id, s.like_count, (SELECT count(*)::int FROM "like" l WHERE l.post_id = s.post_id) AS rows
              FROM post_stats s WHERE s.like_count <> (SELECT count(*) FROM "like" l WHERE l.post_id = s.post_id)`);
  const pending = async () =>
    (await db.query<{ n: number }>(`SELECT count(DISTINCT post_id)::int AS n FROM like_change`))[0]!.n;

  it("settles likes whose events were all lost: one run of the scheduled sweep makes every count exact", async () => {
    const posts = await newPosts(40);
    for (const [i, post] of posts.entries())
      expect((await as(`u${i + 1}`, "LikePost", { post })).status).toBe(200);
    expect((await wrongCounts()).length).toBe(40);
    await fns.sweepLikeCountsEveryMinute.run({} as never);
    expect(await wrongCounts()).toEqual([]);
    expect(await pending()).toBe(0);
  });

  it("a client cannot make its own like uncounted with a deeply nested extra variable", async () => {
    const [post] = await newPosts(1);
    const depth = 20_000;
    await asRaw(
      "u7",
      "LikePost",
      `{"post":"${post}","junk":${'{"junk":'.repeat(depth)}"x"${"}".repeat(depth)}}`,
    );
    await as("u8", "LikePost", { post });
    await fns.sweepLikeCountsEveryMinute.run({} as never);
    expect(await wrongCounts()).toEqual([]);
  });

  it("a sweep killed mid-batch leaves the rest pending, and the next sweep settles everything", async () => {
    const posts = await newPosts(60);
    for (const [i, post] of posts.entries()) await as(`u${(i % 99) + 1}`, "LikePost", { post });
    expect(await pending()).toBe(60);
    const child = spawn(process.execPath, [path.join(here, "support/sweepChild.ts"), "1"], {
      env: { ...process.env, DATA_CONNECT_EMULATOR_HOST: host },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let settled = 0;
    const killed = new Promise<void>((resolve) => {
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        settled += (chunk.match(/^settled/gm) ?? []).length;
        // Kill it while its second recount is in flight: after one batch committed.
        if (settled >= 1 && chunk.includes("settling")) child.kill("SIGKILL");
      });
      child.on("exit", () => resolve());
    });
    await killed;
    expect(child.signalCode).toBe("SIGKILL");
    // Whatever the killed batch did committed whole or not at all; everything after it is still pending.
    const left = await pending();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(60);
    const wrong = await wrongCounts();
    expect(wrong.length).toBe(left);
    await fns.sweepLikeCountsEveryMinute.run({} as never);
    expect(await wrongCounts()).toEqual([]);
    expect(await pending()).toBe(0);
  });

  it("concurrent recounts of overlapping posts never leave a stale count on a post with nothing pending", async () => {
    const posts = await newPosts(6);
    const rnd = (n: number) => Math.floor(Math.random() * n);
    const likes = Array.from({ length: 240 }, (_, i) =>
      as(`u${rnd(99) + 1}`, i % 3 === 0 ? "UnlikePost" : "LikePost", { post: posts[rnd(6)] }),
    );
    const recounts = Array.from({ length: 40 }, () =>
      settleLikeCounts(
        admin,
        posts.filter(() => Math.random() < 0.5),
        { attempts: 6 },
      ),
    );
    await Promise.all([...likes, ...recounts]);
    // Without any further recount: a post whose changes were all claimed holds its exact count.
    const stale = await db.query(
      `SELECT s.post_id FROM post_stats s
       WHERE s.post_id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM like_change c WHERE c.post_id = s.post_id)
         AND s.like_count <> (SELECT count(*) FROM "like" l WHERE l.post_id = s.post_id)`,
      [posts],
    );
    expect(stale).toEqual([]);
    await fns.sweepLikeCountsEveryMinute.run({} as never);
    expect(await wrongCounts()).toEqual([]);
  });

  it("the like functions acknowledge an event only after the recount that covers it committed", async () => {
    const [post] = await newPosts(1);
    await as("u3", "LikePost", { post });
    await as("u4", "LikePost", { post });
    // `.run` is the handler Cloud Functions calls with the event; when it resolves, the count is true.
    await fns.onLikeAdded.run({ data: { payload: { variables: { post } } } } as never);
    const [row] = await db.query<{ like_count: number }>(
      `SELECT like_count FROM post_stats WHERE post_id = $1`,
      [post],
    );
    expect(row!.like_count).toBe(2);
  });

  it("retries a failed recount with backoff, and fails the event (for redelivery) when it keeps failing", async () => {
    const [post] = await newPosts(1);
    await as("u5", "LikePost", { post });
    let calls = 0;
    const flaky = {
      executeMutation: (name: string, variables: unknown) => {
        calls++;
        if (calls <= 2) return Promise.reject(new Error("connection reset"));
        return admin.executeMutation(name, variables as never);
      },
    } as unknown as DataConnect;
    const settler = likeCountSettler(() => flaky, { flushMs: 1, retry: { baseMs: 1 } });
    await settler.add(post!);
    expect(calls).toBe(3);
    expect(await wrongCounts()).toEqual([]);
    const down = { executeMutation: () => Promise.reject(new Error("db down")) } as unknown as DataConnect;
    await expect(
      likeCountSettler(() => down, { flushMs: 1, retry: { baseMs: 1 } }).add(post!),
    ).rejects.toThrow("db down");
  });
});

// The interleaving that breaks a naive recount, forced step by step on the server (it needs two
// connections, which PGlite does not have): settlement A starts, a newer settlement B (played here by
// hand on its own connection) holds the post's counter row, counts a like A's snapshot could not see
// and claims its change. A must not then overwrite B's count with its older one.
describe("like settlement against a newer settlement holding the row (postgres)", () => {
  let db: Database;
  let emulator: RunningEmulator;
  let admin: DataConnect;

  beforeAll(async () => {
    db = await openDatabase("postgres");
    emulator = await startDataConnectEmulator({
      configDir: path.join(here, ".."),
      database: db,
      standaloneAfterMs: 0,
      projectId: "demo-rookery",
    });
    Object.assign(process.env, {
      GCLOUD_PROJECT: "demo-rookery",
      DATA_CONNECT_EMULATOR_HOST: `127.0.0.1:${emulator.addresses[0]!.port}`,
      METADATA_SERVER_DETECTION: "none",
    });
    await import("../../functions/src/index.ts"); // initializes the default app, as the functions do
    admin = (await import("../../functions/src/dataconnect/client.ts")).socialConnector();
    await db.exec(`INSERT INTO "user" (uid, display_name) VALUES ('u1', 'U1'), ('u2', 'U2')`);
  });
  afterAll(async () => {
    await emulator.stop();
    await db.close();
  });

  it("waits for the row, then counts from a snapshot that includes everything B counted", async () => {
    const [{ id: post }] = (await db.query<{ id: string }>(
      `WITH p AS (INSERT INTO post (author_uid, content) VALUES ('u1', 'race') RETURNING id)
       INSERT INTO post_stats (post_id) SELECT id FROM p RETURNING replace(post_id::text, '-', '') AS id`,
    )) as [{ id: string }];
    const like = (uid: string) =>
      db.query(
        `WITH l AS (INSERT INTO "like" (user_uid, post_id) VALUES ($1, $2) RETURNING post_id)
         INSERT INTO like_change (post_id) SELECT post_id FROM l`,
        [uid, post],
      );
    await like("u1");
    await settleLikeCounts(admin, [post]);
    const { a } = await db.transaction(async (b) => {
      await b.query(`SELECT 1 FROM post_stats WHERE post_id = $1 FOR UPDATE`, [post]);
      const a = settleLikeCounts(admin, [post]).then(
        () => "settled",
        (e: unknown) => e,
      );
      // Until A waits on B's lock…
      for (let i = 0; i < 200; i++) {
        const [row] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (row!.n > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // …a like commits that A's snapshot so far cannot see; B counts it and claims its change.
      await like("u2");
      await b.query(
        `UPDATE post_stats SET like_count = (SELECT count(*) FROM "like" WHERE post_id = $1) WHERE post_id = $1`,
        [post],
      );
      await b.query(`DELETE FROM like_change WHERE post_id = $1`, [post]);
      return { a };
    });
    expect(await a).toBe("settled");
    const [row] = await db.query<{ like_count: number; pending: number }>(
      `SELECT like_count, (SELECT count(*)::int FROM like_change WHERE post_id = $1) AS pending
       FROM post_stats WHERE post_id = $1`,
      [post],
    );
    expect(row).toEqual({ like_count: 2, pending: 0 });
  });
});
