// Realtime in the product: the generated SDK's refs with the web SDK's subscribe(), over the engine's stream.
import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import { connectDataConnectEmulator, type DataConnect, getDataConnect } from "firebase/data-connect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../packages/dataconnect-emulator/src/index.ts";
import { emulatorIdToken } from "../../packages/dataconnect-emulator/test/protocol/support/tokens.ts";
import { signInWithIdToken } from "../../packages/dataconnect-emulator/test/protocol/support/web-auth.ts";
import { record } from "../../packages/dataconnect-emulator/test/stream/support.ts";
import type * as Social from "../../web/src/dataconnect-generated/index.d.ts";
import { feedPage, feedVariables } from "../client/feed.ts";

const sdk = (await import("../../web/src/dataconnect-generated/esm/index.esm.js" as string)) as typeof Social;

let emulator: RunningEmulator;
const apps: FirebaseApp[] = [];
const recorders: { unsubscribe(): void }[] = [];

beforeAll(async () => {
  emulator = await startDataConnectEmulator({
    configDir: new URL("..", import.meta.url).pathname,
    standaloneAfterMs: 0,
  });
});
afterAll(() => emulator.stop());
afterEach(async () => {
  for (const r of recorders.splice(0)) r.unsubscribe();
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
});

/** A web app on the emulator signed in as `uid`, set up as the generated SDK asks (its cache settings). */
function as(uid: string): DataConnect {
  const app = initializeApp(
    { projectId: "demo-rookery", apiKey: "fake-api-key" },
    `rt-${apps.length}-${Math.random()}`,
  );
  apps.push(app);
  signInWithIdToken(app, uid, emulatorIdToken(uid, {}, "demo-rookery"));
  const dc = getDataConnect(app, sdk.connectorConfig, sdk.dataConnectSettings);
  connectDataConnectEmulator(dc, "127.0.0.1", emulator.addresses[0]!.port);
  return dc;
}

function watch<Data, Variables>(ref: Parameters<typeof record<Data, Variables>>[0]) {
  const r = record(ref);
  recorders.push(r);
  return r;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** firebase-admin's call of a server-only mutation (what the counter aggregator does). */
async function settleLikeCounts(posts: string[]): Promise<void> {
  const url = `${emulator.url}/v1/projects/demo-rookery/locations/us-central1/services/${sdk.connectorConfig.service}/connectors/social:impersonateMutation`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: "Bearer owner" },
    body: JSON.stringify({ operationName: "SettleLikeCounts", variables: { posts } }),
  });
  expect(res.status).toBe(200);
}

async function profiles(...uids: string[]) {
  for (const uid of uids) await sdk.upsertMe(as(uid), { displayName: uid });
}

describe("a post's thread, live", () => {
  it("shows a new comment, and the like count once it is settled", async () => {
    await profiles("tara", "vic");
    const [tara, vic] = [as("tara"), as("vic")];
    const { post_insert } = (await sdk.createPost(tara, { content: "live thread" })).data;
    const thread = watch(sdk.postThreadRef(tara, { id: post_insert.id }));
    expect((await thread.ready()).post?.comments).toEqual([]);

    await sdk.addComment(vic, { post: post_insert.id, content: "first!" });
    const commented = await thread.find((d) => (d.post?.comments.length ?? 0) === 1);
    expect(commented.post?.comments[0]?.content).toBe("first!");

    await sdk.likePost(vic, { post: post_insert.id });
    await settleLikeCounts([post_insert.id]);
    expect(await thread.find((d) => d.post?.stats?.likeCount === 1)).toBeTruthy();
  });

  it("leaves a thread alone when another post gets a comment", async () => {
    await profiles("wes");
    const wes = as("wes");
    const mine = (await sdk.createPost(wes, { content: "quiet" })).data.post_insert;
    const other = (await sdk.createPost(wes, { content: "busy" })).data.post_insert;
    const thread = watch(sdk.postThreadRef(wes, { id: mine.id }));
    await thread.ready();
    await sdk.addComment(wes, { post: other.id, content: "elsewhere" });
    await settle();
    expect(thread.results).toHaveLength(2);
  });
});

describe("the home feed, live", () => {
  it("shows the caller's own new post at once, and leaves other feeds to their poll", async () => {
    await profiles("yan", "zoe");
    const [yan, zoe] = [as("yan"), as("zoe")];
    await sdk.follow(zoe, { uid: "yan" });
    const yansFeed = watch(sdk.homeFeedRef(yan, feedVariables(null)));
    const zoesFeed = watch(sdk.homeFeedRef(zoe, feedVariables(null)));
    await Promise.all([yansFeed.ready(), zoesFeed.ready()]);

    await sdk.createPost(yan, { content: "hello followers" });
    const fresh = await yansFeed.find((d) =>
      feedPage(d._select).items.some((item) => item.content === "hello followers"),
    );
    expect(fresh).toBeTruthy();
    await settle();
    expect(zoesFeed.results).toHaveLength(2);
  });
});
