// The generated code runs against the engine as an app would run it: separate Node processes importing the
// SDKs by package name — the web SDK as ESM and as CJS (firebase/data-connect), the React hooks rendered with
// react-dom/server inside a QueryClientProvider, the admin SDK with firebase-admin (DATA_CONNECT_EMULATOR_HOST).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startDataConnectEmulator } from "../../src/index.ts";
import { silentLogger } from "../../src/runtime/log.ts";
import { generateSdks } from "../../src/sdkgen/run.ts";
import { type Fixture, linkSdksIntoApp, writeFixture } from "./support/fixture.ts";

const run = promisify(execFile);

const WEB_ESM = `
import { initializeApp } from "firebase/app";
import { connectDataConnectEmulator, executeQuery, getDataConnect } from "firebase/data-connect";
import { connectorConfig, createAuthor, createPost, getPost, listPosts, listPostsRef, Mood } from "@fixture/sdk";

initializeApp({ projectId: "demo-x" });
const [host, port] = process.env.EMULATOR.split(":");
const dc = getDataConnect(connectorConfig);
connectDataConnectEmulator(dc, host, Number(port));
const author = await createAuthor({ uid: "esm", name: "Esm", mood: Mood.HAPPY, score: "12345678901234" });
const post = await createPost(dc, { authorUid: "esm", title: "From ESM", tags: ["a", "b"] });
const one = await getPost({ id: post.data.post_insert.id });
const listed = await executeQuery(listPostsRef(dc, { limit: 5 }));
const all = await listPosts();
console.log(JSON.stringify({
  author: author.data,
  title: one.data.post.title,
  authorName: one.data.post.author.name,
  listed: listed.data.posts.map((p) => [p.title, p.author.mood, p.author.score, p.tags]),
  count: all.data.posts.length,
}));
process.exit(0);
`;

const WEB_CJS = `
const { initializeApp } = require("firebase/app");
const { connectDataConnectEmulator, getDataConnect } = require("firebase/data-connect");
const { connectorConfig, createAuthor, createPost, listPosts } = require("@fixture/sdk");

(async () => {
  initializeApp({ projectId: "demo-x" });
  const [host, port] = process.env.EMULATOR.split(":");
  connectDataConnectEmulator(getDataConnect(connectorConfig), host, Number(port));
  await createAuthor({ uid: "cjs", name: "Cjs" });
  await createPost({ authorUid: "cjs", title: "From CJS" });
  const all = await listPosts({ limit: 100 });
  console.log(JSON.stringify({ titles: all.data.posts.map((p) => p.title) }));
  process.exit(0);
})();
`;

const REACT = `
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { initializeApp } from "firebase/app";
import { connectDataConnectEmulator, getDataConnect } from "firebase/data-connect";
import { connectorConfig } from "@fixture/sdk";
import { useCreateAuthor, useListPosts } from "@fixture/sdk/react";

initializeApp({ projectId: "demo-x" });
const [host, port] = process.env.EMULATOR.split(":");
connectDataConnectEmulator(getDataConnect(connectorConfig), host, Number(port));
let query;
let mutation;
function Component() {
  query = useListPosts({ limit: 100 });
  mutation = useCreateAuthor();
  return createElement("p", null, query.status);
}
const html = renderToString(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(Component)));
const created = await mutation.mutateAsync({ uid: "react", name: "From a hook" });
const fetched = await query.refetch();
console.log(JSON.stringify({ html, created, titles: fetched.data.posts.map((p) => p.title) }));
process.exit(0);
`;

const ADMIN = `
import { initializeApp } from "firebase-admin/app";
import { createAuthor, createPost, deleteAllPosts, listPosts, me, Mood } from "@fixture/admin";

initializeApp({ projectId: "demo-x" });
const created = await createAuthor({ uid: "admin", name: "Admin", mood: Mood.SAD });
await createPost({ authorUid: "admin", title: "From admin" });
const mine = await me({ impersonate: { authClaims: { sub: "admin" } } });
const listed = await listPosts({ limit: 100 });
const deleted = await deleteAllPosts();
const after = await listPosts();
console.log(JSON.stringify({
  created: created.data,
  me: mine.data.author,
  titles: listed.data.posts.map((p) => p.title),
  deleted: deleted.data.post_deleteMany,
  after: after.data.posts.length,
}));
process.exit(0);
`;

let fixture: Fixture;
let emulator: RunningEmulator;

beforeAll(async () => {
  fixture = await writeFixture({
    "app/web-esm.mjs": WEB_ESM,
    "app/web-cjs.cjs": WEB_CJS,
    "app/react.mjs": REACT,
    "app/admin.mjs": ADMIN,
  });
  const outcome = await generateSdks(fixture.configDir, silentLogger);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  await linkSdksIntoApp(fixture);
  emulator = await startDataConnectEmulator({
    configDir: fixture.configDir,
    listen: [{ host: "127.0.0.1", port: 0 }],
    standaloneAfterMs: 0,
  });
});
afterAll(async () => {
  await emulator?.stop();
  await fixture?.remove();
});

/** Runs an app script with Node and returns what it printed as JSON. */
async function runApp(script: string): Promise<Record<string, unknown>> {
  const address = emulator.addresses[0]!;
  const { stdout } = await run(process.execPath, [path.join(fixture.appDir, script)], {
    cwd: fixture.appDir,
    env: {
      ...process.env,
      EMULATOR: `${address.host}:${address.port}`,
      DATA_CONNECT_EMULATOR_HOST: `${address.host}:${address.port}`,
      METADATA_SERVER_DETECTION: "none",
    },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

describe("generated SDKs against the engine", () => {
  it("web SDK, ESM: mutations and queries through refs and actions, with typed values", async () => {
    const result = await runApp("web-esm.mjs");
    expect(result).toMatchObject({
      author: { author_insert: { uid: "esm" } },
      title: "From ESM",
      authorName: "Esm",
      listed: expect.arrayContaining([["From ESM", "HAPPY", "12345678901234", ["a", "b"]]]),
    });
  });

  it("web SDK, CJS: require() works the same", async () => {
    const result = await runApp("web-cjs.cjs");
    expect(result.titles).toContain("From CJS");
  });

  it("React hooks: a query and a mutation hook run inside a QueryClientProvider", async () => {
    const result = await runApp("react.mjs");
    expect(result.html).toBe("<p>pending</p>");
    expect(result.created).toEqual({ author_insert: { uid: "react" } });
    expect(Array.isArray(result.titles)).toBe(true);
  });

  it("admin SDK: runs as admin, impersonates, and reaches NO_ACCESS operations", async () => {
    const result = await runApp("admin.mjs");
    expect(result).toMatchObject({
      created: { author_insert: { uid: "admin" } },
      me: { uid: "admin", name: "Admin" },
      titles: expect.arrayContaining(["From admin"]),
      after: 0,
    });
    expect(result.deleted).toBeGreaterThanOrEqual(1);
  });
});
