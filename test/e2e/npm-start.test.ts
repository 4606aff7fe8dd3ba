import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deleteApp, initializeApp } from "firebase/app";
import {
  connectFirestoreEmulator,
  doc,
  getDoc,
  getFirestore,
  setLogLevel,
  terminate,
} from "firebase/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorIdToken } from "../../packages/dataconnect-emulator/test/protocol/support/tokens.ts";
import { type TempFirebaseConfig, tempFirebaseConfig } from "./support/config.ts";
import { freePort } from "./support/ports.ts";
import { type CollectedOutput, collectOutput } from "./support/process.ts";
import { pinnedPath, repoRoot } from "./support/repo.ts";

describe("npm start", () => {
  let config: TempFirebaseConfig;
  let output: CollectedOutput;
  let exit: Promise<number | null>;
  let stop: () => void;
  let dataDir: string;
  let webPort: number;

  beforeAll(async () => {
    config = await tempFirebaseConfig();
    webPort = await freePort();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-start-"));
    const child = spawn("node", [path.join(repoRoot, "scripts/start.ts")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PATH: pinnedPath(),
        ROOKERY_FIREBASE_CONFIG: config.path,
        ROOKERY_DATA_DIR: dataDir,
        ROOKERY_WEB_PORT: String(webPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    output = collectOutput(child);
    exit = new Promise((resolve) => child.on("close", resolve));
    stop = () => child.kill("SIGINT");
    await output.waitFor(/Press Ctrl-C to stop/, 150_000);
  });

  afterAll(async () => {
    stop();
    await exit;
    await config.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("says what is running where", () => {
    expect(output.text).toContain(`Auth emulator        http://127.0.0.1:${config.ports.auth}`);
    expect(output.text).toContain(
      `Functions emulator   http://127.0.0.1:${config.ports.functions}/demo-rookery/`,
    );
  });

  it("serves the web app and prints its address", async () => {
    expect(output.text).toContain(`Web app              http://127.0.0.1:${webPort}/`);
    const res = await fetch(`http://127.0.0.1:${webPort}/u/someone`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root"></div>');
  });

  it("serves our Firestore engine on its configured port", async () => {
    expect(output.text).toContain(`Firestore (Rookery)  127.0.0.1:${config.ports.firestore}`);
    const res = await fetch(`http://127.0.0.1:${config.ports.firestore}/`);
    expect(await res.text()).toBe("Ok");
  });

  it("enforces firestore.rules on client requests", async () => {
    expect(output.text).toContain("Rules loaded from");
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
    expect(output.text).toContain(`Data Connect         http://127.0.0.1:${config.ports.dataconnect}`);
    expect(output.text).toMatch(/Mutation events {6}http:\/\/127\.0\.0\.1:\d+\/events/);
    const res = await fetch(`http://127.0.0.1:${config.ports.dataconnect}/emulator/info`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ services: [{ serviceId: "rookery" }] });
  });

  it("loads the demo graph on first start", async () => {
    await output.waitFor(/Demo graph loaded in/, 60_000);
    // The demo sign-in it creates runs the Auth trigger, which finds its row already there.
    await output.waitFor(/Finished "us-central1-onAuthUserCreated"/, 60_000);
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
    expect(output.text).not.toMatch(/read-only transaction|transaction is aborted/);
  });

  it("serves the Auth emulator offline", async () => {
    const res = await fetch(`http://127.0.0.1:${config.ports.auth}/emulator/v1/projects/demo-rookery/config`);
    expect(res.status).toBe(200);
  });

  it("stops cleanly on Ctrl-C, keeping Firestore's data for the next start", async () => {
    stop();
    expect(await exit).toBe(0);
    expect(output.text).toMatch(/Stopping Authentication Emulator/);
    expect(await readdir(path.join(dataDir, "firestore"))).toContain("firestore-data.json");
  });
});
