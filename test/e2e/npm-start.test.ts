import { type ChildProcessByStdio, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { deleteApp, initializeApp } from "firebase/app";
import {
  connectFirestoreEmulator,
  doc,
  getDoc,
  getFirestore,
  setLogLevel,
  terminate,
} from "firebase/firestore";
import { deleteApp as deleteAdminApp, initializeApp as initializeAdminApp } from "firebase-admin/app";
import { getFirestore as getAdminFirestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorIdToken } from "../../packages/dataconnect-emulator/test/protocol/support/tokens.ts";
import { descendantsOf, isAlive, listProcesses } from "../../scripts/lib/processTree.ts";
import { type TempFirebaseConfig, tempFirebaseConfig } from "./support/config.ts";
import { freePort } from "./support/ports.ts";
import { type CollectedOutput, collectOutput } from "./support/process.ts";
import { pinnedPath, repoRoot } from "./support/repo.ts";

/** One `npm start` (scripts/start.ts) on the suite's ports and data folder. */
interface Stack {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output: CollectedOutput;
  exit: Promise<number | null>;
  /** Where the web app's dev server listens (a free port per start, never 5173). */
  webPort: number;
  /** Every process below npm start right now. */
  processes(): number[];
}

let config: TempFirebaseConfig;
let dataDir: string;

async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const webPort = await freePort();
  const child = spawn("node", [path.join(repoRoot, "scripts/start.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PATH: pinnedPath(),
      ROOKERY_FIREBASE_CONFIG: config.path,
      ROOKERY_DATA_DIR: dataDir,
      ROOKERY_WEB_PORT: String(webPort),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  await output.waitFor(/Press Ctrl-C to stop/, 150_000);
  return { child, output, exit, webPort, processes: () => descendantsOf([child.pid!]).map((p) => p.pid) };
}

/** The pid of a process below npm start whose command line contains `marker`. */
function pidOf(stack: Stack, marker: string): number {
  const found = descendantsOf([stack.child.pid!]).find((p) => p.command.includes(marker));
  if (!found) throw new Error(`no process matching ${marker}`);
  return found.pid;
}

/** The command lines of every process below npm start right now. */
function commandsBelow(stack: Stack): string[] {
  return descendantsOf([stack.child.pid!]).map((p) => p.command);
}

/** The Firestore trigger keys registered with our engine (by the trigger bridge). */
async function registeredTriggers(): Promise<string[]> {
  const res = await fetch(
    `http://127.0.0.1:${config.ports.firestore}/emulator/v1/projects/demo-rookery/triggers`,
  );
  const body = (await res.json()) as { triggers: { key: string }[] };
  return body.triggers.map((t) => t.key).sort();
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
  const app = initializeAdminApp({ projectId: "demo-rookery" }, `npm-start-${Date.now()}`);
  return { db: getAdminFirestore(app), close: () => deleteAdminApp(app) };
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

  it("serves the web app and prints its address", async () => {
    expect(stack.output.text).toContain(`Web app              http://127.0.0.1:${stack.webPort}/`);
    const res = await fetch(`http://127.0.0.1:${stack.webPort}/u/someone`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root"></div>');
  });

  it("serves our Firestore engine on its configured port, to pages from this machine only", async () => {
    expect(stack.output.text).toContain(`Firestore (Rookery)  127.0.0.1:${config.ports.firestore}`);
    const res = await fetch(`http://127.0.0.1:${config.ports.firestore}/`);
    expect(await res.text()).toBe("Ok");
    // No --cors_allow_origin by default: a page from elsewhere is refused before anything runs.
    expect(commandsBelow(stack).find((c) => c.includes("firestore-emulator/src/cli.ts"))).not.toContain(
      "--cors_allow_origin",
    );
    const foreign = await fetch(`http://127.0.0.1:${config.ports.firestore}/`, {
      headers: { origin: "https://elsewhere.example" },
    });
    expect(foreign.status).toBe(403);
  });

  it("enforces firestore.rules on client requests", async () => {
    expect(stack.output.text).toContain("Rules loaded from");
    const rules = await fetch(
      `http://127.0.0.1:${config.ports.firestore}/emulator/v1/projects/demo-rookery:securityRules`,
    );
    const body = (await rules.json()) as { rules: { files: { content: string }[] } };
    expect(body.rules.files[0]!.content).toBe(readFileSync(path.join(repoRoot, "firestore.rules"), "utf8"));
    // A signed-out web client may not read anyone's drafts.
    setLogLevel("silent");
    const app = initializeApp({ projectId: "demo-rookery", apiKey: "fake-api-key" }, "npm-start-rules");
    const db = getFirestore(app);
    connectFirestoreEmulator(db, "127.0.0.1", Number(config.ports.firestore));
    try {
      await expect(getDoc(doc(db, "users/someone/drafts/d1"))).rejects.toMatchObject({
        code: "permission-denied",
      });
    } finally {
      await terminate(db);
      await deleteApp(app);
    }
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

  it("gives every account signed up during a home-feed storm its User row (issue #10)", async () => {
    const service = `http://127.0.0.1:${config.ports.dataconnect}/v1/projects/demo-rookery/locations/us-central1/services/rookery`;
    const problems: string[] = [];
    let reading = true;
    const reader = async (i: number) => {
      const token = emulatorIdToken(`demo-${String(10 + i).padStart(4, "0")}`, {}, "demo-rookery");
      const variables = {
        beforeTime: "9999-12-31T23:59:59Z",
        beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
      };
      while (reading) {
        const res = await fetch(`${service}/connectors/social:executeQuery`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-firebase-auth-token": token },
          body: JSON.stringify({ operationName: "HomeFeed", variables }),
        });
        const text = await res.text();
        if (res.status !== 200 || text.includes('"errors"')) problems.push(`HomeFeed: ${text.slice(0, 200)}`);
      }
    };
    const readers = Array.from({ length: 6 }, (_, i) => reader(i));
    const signUp = async (i: number) => {
      const res = await fetch(
        `http://127.0.0.1:${config.ports.auth}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            email: `storm-${i}@example.test`,
            password: "storm-password",
            returnSecureToken: true,
          }),
        },
      );
      const text = await res.text();
      if (!res.ok) throw new Error(`sign-up ${i} failed: ${text}`);
      return (JSON.parse(text) as { localId: string }).localId;
    };
    const uids: string[] = [];
    const mirrored = async () => {
      const res = await fetch(`${service}:executeGraphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: "query Rows($uids: [String!]) { users(where: {uid: {in: $uids}}) { uid } }",
          variables: { uids },
        }),
      });
      const text = await res.text();
      const body = JSON.parse(text) as { data?: { users?: unknown[] } };
      if (!body.data?.users) problems.push(`users: ${text.slice(0, 300)}`);
      return body.data?.users?.length ?? 0;
    };
    let rows = 0;
    try {
      // One after another, as people sign up; each runs the blocking and the onCreate functions.
      for (let i = 0; i < 8; i++) uids.push(await signUp(i));
      for (let i = 0; i < 300 && rows < uids.length; i++) {
        await new Promise((r) => setTimeout(r, 300));
        rows = await mirrored();
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
    expect(problems).toEqual([]);
    expect(rows).toBe(uids.length);
    expect(stack.output.text).not.toMatch(/read-only transaction|transaction is aborted/);
  });

  it("serves the Auth emulator offline", async () => {
    const res = await fetch(`http://127.0.0.1:${config.ports.auth}/emulator/v1/projects/demo-rookery/config`);
    expect(res.status).toBe(200);
    expect(await authCall("signUp", "kept@rookery.test", "kept-password")).toBe(200);
  });

  it("restarts the Firestore engine on its data when it dies, keeping every acknowledged write and the functions' triggers", async () => {
    const triggers = await registeredTriggers();
    expect(triggers.length).toBeGreaterThan(0);
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
      // The trigger bridge registers the functions' Firestore triggers with the new engine process.
      await stack.output.waitFor(
        /serving again[\s\S]*Firestore triggers registered with the Firestore engine/,
        30_000,
      );
      expect(await registeredTriggers()).toEqual(triggers);
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
    expect(await portIsFree(stack.webPort), "web app").toBe(true);
  });
});
