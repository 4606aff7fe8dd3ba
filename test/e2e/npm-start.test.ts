import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { descendantsOf, isAlive, listProcesses } from "../../scripts/lib/processTree.ts";
import { type TempFirebaseConfig, tempFirebaseConfig } from "./support/config.ts";
import { type CollectedOutput, collectOutput } from "./support/process.ts";
import { pinnedPath, repoRoot } from "./support/repo.ts";

/** One `npm start` (scripts/start.ts) on the suite's ports and data folder. */
interface Stack {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output: CollectedOutput;
  exit: Promise<number | null>;
  /** Every process below npm start right now. */
  processes(): number[];
}

let config: TempFirebaseConfig;
let dataDir: string;

async function startStack(env: Record<string, string> = {}): Promise<Stack> {
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
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  await output.waitFor(/Press Ctrl-C to stop/, 150_000);
  return { child, output, exit, processes: () => descendantsOf([child.pid!]).map((p) => p.pid) };
}

/** The pid of a process below npm start whose command line contains `marker`. */
function pidOf(stack: Stack, marker: string): number {
  const found = descendantsOf([stack.child.pid!]).find((p) => p.command.includes(marker));
  if (!found) throw new Error(`no process matching ${marker}`);
  return found.pid;
}

/** Waits until none of `pids` is alive (they were all ended), or fails after `timeoutMs`. */
async function allGone(pids: number[], timeoutMs = 30_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    alive = alive.filter(isAlive);
  }
  return alive.map((pid) => listProcesses().find((p) => p.pid === pid)?.command ?? String(pid)) as never;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A firebase-admin Firestore on the suite's engine. */
function firestore() {
  process.env.METADATA_SERVER_DETECTION = "none";
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${config.ports.firestore}`;
  const app = initializeApp({ projectId: "demo-rookery" }, `npm-start-${Date.now()}`);
  return { db: getFirestore(app), close: () => deleteApp(app) };
}

/** Calls an Auth emulator account endpoint (`signUp`, `signInWithPassword`) and returns the status. */
async function authCall(endpoint: string, email: string, password: string): Promise<number> {
  const res = await fetch(
    `http://127.0.0.1:${config.ports.auth}/identitytoolkit.googleapis.com/v1/accounts:${endpoint}?key=fake-api-key`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  return res.status;
}

const signInDemo = () => authCall("signInWithPassword", "demo@rookery.test", "rookery-demo");

beforeAll(async () => {
  config = await tempFirebaseConfig();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-start-"));
});

afterAll(async () => {
  await config.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    stack.child.kill("SIGINT");
    await stack.exit;
  });

  it("says what is running where", () => {
    expect(stack.output.text).toContain(`Auth emulator        http://127.0.0.1:${config.ports.auth}`);
    expect(stack.output.text).toContain(
      `Functions emulator   http://127.0.0.1:${config.ports.functions}/demo-rookery/`,
    );
  });

  it("serves our Firestore engine on its configured port", async () => {
    expect(stack.output.text).toContain(`Firestore (Rookery)  127.0.0.1:${config.ports.firestore}`);
    const res = await fetch(`http://127.0.0.1:${config.ports.firestore}/`);
    expect(await res.text()).toBe("Ok");
  });

  it("serves Data Connect through our engine", async () => {
    expect(stack.output.text).toContain(`Data Connect         http://127.0.0.1:${config.ports.dataconnect}`);
    expect(stack.output.text).toMatch(/Mutation events {6}http:\/\/127\.0\.0\.1:\d+\/events/);
    const res = await fetch(`http://127.0.0.1:${config.ports.dataconnect}/emulator/info`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ services: [{ serviceId: "rookery" }] });
  });

  it("loads the demo graph on first start", async () => {
    await stack.output.waitFor(/Demo graph loaded in/, 60_000);
    // The demo sign-in it creates runs the Auth trigger, which finds its row already there.
    await stack.output.waitFor(/Finished "us-central1-onAuthUserCreated"/, 60_000);
    const res = await fetch(
      `http://127.0.0.1:${config.ports.dataconnect}/v1/projects/demo-rookery/locations/us-central1/services/rookery:executeGraphql`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ users(where: {uid: {startsWith: "demo-"}}) { _count } }` }),
      },
    );
    const body = (await res.json()) as { data: { users: { _count: number }[] } };
    expect(body.data.users[0]!._count).toBe(2000);
    expect(await signInDemo()).toBe(200);
  });

  it("delivers mutation events to the onMutationExecuted functions, which settle like counts", async () => {
    const base = `http://127.0.0.1:${config.ports.dataconnect}/v1/projects/demo-rookery/locations/us-central1/services/rookery`;
    const post = async (url: string, body: unknown) =>
      (await (
        await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).json()) as {
        data: Record<string, unknown>;
      };
    const fresh = await post(`${base}:executeGraphql`, {
      query: `mutation { post_insert(data: {authorUid: "demo-0001", content: "fresh"}) }`,
    });
    const id = (fresh.data.post_insert as { id: string }).id;
    await post(`${base}:executeGraphql`, { query: `mutation { postStat_insert(data: {postId: "${id}"}) }` });
    const impersonate = { authClaims: { sub: "demo-0002", firebase: { sign_in_provider: "password" } } };
    await post(`${base}/connectors/social:impersonateMutation`, {
      operationName: "LikePost",
      variables: { post: id },
      extensions: { impersonate },
    });
    let likes = 0;
    for (let i = 0; i < 50 && likes !== 1; i++) {
      await new Promise((r) => setTimeout(r, 200));
      likes = (
        (
          await post(`${base}:executeGraphql`, {
            query: `{ postStat(key: {postId: "${id}"}) { likeCount } }`,
          })
        ).data.postStat as { likeCount: number }
      ).likeCount;
    }
    expect(likes).toBe(1);
  });

  it("serves the Auth emulator offline", async () => {
    const res = await fetch(`http://127.0.0.1:${config.ports.auth}/emulator/v1/projects/demo-rookery/config`);
    expect(res.status).toBe(200);
    expect(await authCall("signUp", "kept@rookery.test", "kept-password")).toBe(200);
  });

  it("restarts the Firestore engine on its data when it dies, keeping every acknowledged write", async () => {
    const fs = firestore();
    try {
      await fs.db.doc("profiles/kept").set({ name: "written before the crash" });
      process.kill(pidOf(stack, "firestore-emulator/src/cli.ts"), "SIGKILL");
      await stack.output.waitFor(
        /The Firestore engine exited unexpectedly \(SIGKILL\); restarting it on its data/,
        10_000,
      );
      await stack.output.waitFor(/The Firestore engine is serving again/, 30_000);
      expect((await fs.db.doc("profiles/kept").get()).get("name")).toBe("written before the crash");
    } finally {
      await fs.close();
    }
  });

  it("stops the whole stack, saying why, when the Data Connect engine dies, and leaves nothing running", async () => {
    const everything = stack.processes();
    process.kill(pidOf(stack, "dataconnect-emulator"), "SIGKILL");
    expect(await stack.exit).toBe(1);
    expect(stack.output.text).toMatch(
      /The Data Connect engine \(pid \d+\) exited unexpectedly; firebase-tools cannot restart it, so the whole stack stops now/,
    );
    expect(await allGone(everything)).toEqual([]);
  });
});

describe("npm start again on the same data", () => {
  let stack: Stack;
  beforeAll(async () => {
    // No seeding: whatever accounts exist now came back from .rookery/auth.
    stack = await startStack({ ROOKERY_BUILD: "off", ROOKERY_SEED: "off" });
  });
  afterAll(async () => {
    stack.child.kill("SIGINT");
    await stack.exit;
  });

  it("keeps the Auth accounts, so the demo sign-in and new accounts still work", async () => {
    expect(await signInDemo()).toBe(200);
    expect(await authCall("signInWithPassword", "kept@rookery.test", "kept-password")).toBe(200);
  });

  it("keeps Firestore's data", async () => {
    const fs = firestore();
    try {
      expect((await fs.db.doc("profiles/kept").get()).get("name")).toBe("written before the crash");
    } finally {
      await fs.close();
    }
  });

  it("stops cleanly on Ctrl-C, leaving nothing running", async () => {
    const everything = stack.processes();
    stack.child.kill("SIGINT");
    expect(await stack.exit).toBe(0);
    expect(stack.output.text).toMatch(/Stopping Authentication Emulator/);
    expect(await allGone(everything)).toEqual([]);
    expect((await readdir(path.join(dataDir, "firestore"))).some((f) => /^journal-\d+\.log$/.test(f))).toBe(
      true,
    );
  });
});

describe("npm start killed with kill -9", () => {
  it("leaves no process behind, so the next start finds its ports free", async () => {
    const stack = await startStack({ ROOKERY_BUILD: "off", ROOKERY_SEED: "off" });
    const everything = stack.processes();
    expect(everything.length).toBeGreaterThan(2);
    stack.child.kill("SIGKILL");
    await stack.exit;
    expect(await allGone(everything)).toEqual([]);
    for (const name of ["firestore", "auth", "dataconnect", "functions"]) {
      expect(await portIsFree(config.ports[name]!), name).toBe(true);
    }
  });
});
