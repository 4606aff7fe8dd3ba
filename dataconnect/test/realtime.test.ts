// Realtime in the product: the generated SDK's refs with the web SDK's subscribe(), over the engine's stream.
// Each test checks one `@refresh` rule of the social connector (and what it must not push).
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
import { feedPage, feedVariables, postCard } from "../client/feed.ts";
import { sdk } from "./support/webApps.ts";

// The start of an oldest-first keyset list (PostReplies, PostComments).
const START = { afterTime: "1970-01-01T00:00:00Z", afterId: "00000000-0000-0000-0000-000000000000" };

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
    `rt-${apps.length}-${crypto.randomUUID()}`,
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

/** Long enough for a refresh the engine would send to arrive (it is sent within a few ms). */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));

/** firebase-admin's call of the server-only settlement (what functions/src/counters does). */
async function settleLikeCounts(posts: string[]): Promise<void> {
  const { service, connector } = sdk.connectorConfig;
  const url = `${emulator.url}/v1/projects/demo-rookery/locations/us-central1/services/${service}/connectors/${connector}:impersonateMutation`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ operationName: "SettleLikeCounts", variables: { posts } }),
  });
  expect(res.status).toBe(200);
}

/** Fresh accounts (unique per test run, so tests do not see each other's graph). */
async function accounts<N extends string>(
  ...names: N[]
): Promise<Record<N, { uid: string; dc: DataConnect }>> {
  const out = {} as Record<N, { uid: string; dc: DataConnect }>;
  for (const name of names) {
    const uid = `${name}-${crypto.randomUUID().slice(0, 8)}`;
    const dc = as(uid);
    await sdk.upsertMe(dc, { displayName: name });
    out[name] = { uid, dc };
  }
  return out;
}

async function newPost(dc: DataConnect, content: string, visibility?: Social.Visibility) {
  const { post_insert } = (await sdk.createPost(dc, { content, ...(visibility && { visibility }) })).data;
  return post_insert.id;
}

type Card = NonNullable<ReturnType<typeof postCard>>;
const card = (data: { post?: unknown }): Card | null => postCard(data.post);

describe("PostThread, live", () => {
  it("shows the like count once the likes are settled (not before)", async () => {
    const { ann, bob } = await accounts("ann", "bob");
    const id = await newPost(ann.dc, "live thread");
    const thread = watch(sdk.postThreadRef(ann.dc, { id }));
    expect(card(await thread.ready())?.likeCount).toBe(0);

    await sdk.likePost(bob.dc, { post: id });
    await quiet();
    expect(thread.updates).toHaveLength(0); // a like moves no count until it is settled
    await settleLikeCounts([id]);
    expect(card(await thread.next())?.likeCount).toBe(1);
  });

  it("shows new replies, reposts, quotes and comments in the post's counts", async () => {
    const { ann, bob } = await accounts("ann", "bob");
    const id = await newPost(ann.dc, "counted");
    const thread = watch(sdk.postThreadRef(ann.dc, { id }));
    await thread.ready();
    await sdk.reply(bob.dc, { to: id, content: "a reply" });
    await thread.find((d) => card(d)?.replyCount === 1);
    await sdk.repost(bob.dc, { of: id });
    await sdk.quote(bob.dc, { of: id, content: "quoting" });
    await thread.find((d) => card(d)?.shareCount === 2);
    await sdk.addComment(bob.dc, { post: id, content: "nice" });
    expect(card(await thread.find((d) => card(d)?.commentCount === 1))).toMatchObject({
      replyCount: 1,
      shareCount: 2,
    });
  });

  it("shows the author's edit, and null once the post is deleted", async () => {
    const { ann, bob } = await accounts("ann", "bob");
    const id = await newPost(ann.dc, "first words");
    const thread = watch(sdk.postThreadRef(bob.dc, { id }));
    await thread.ready();
    await sdk.editPost(ann.dc, { id, content: "better words" });
    expect(card(await thread.next())?.content).toBe("better words");
    await sdk.deletePost(ann.dc, { id });
    expect(card(await thread.next())).toBeNull();
  });

  it("shows the caller's own like and bookmark at once", async () => {
    const { ann, bob } = await accounts("ann", "bob");
    const id = await newPost(ann.dc, "likeable");
    const thread = watch(sdk.postThreadRef(bob.dc, { id }));
    await thread.ready();
    await sdk.likePost(bob.dc, { post: id });
    expect(card(await thread.next())?.likedByMe).toBe(true);
    await sdk.bookmarkPost(bob.dc, { post: id });
    expect(card(await thread.next())).toMatchObject({ likedByMe: true, bookmarkedByMe: true });
  });

  it("leaves a thread alone when another post changes", async () => {
    const { ann, bob } = await accounts("ann", "bob");
    const mine = await newPost(ann.dc, "quiet");
    const other = await newPost(ann.dc, "busy");
    const thread = watch(sdk.postThreadRef(ann.dc, { id: mine }));
    await thread.ready();
    await sdk.addComment(bob.dc, { post: other, content: "elsewhere" });
    await sdk.reply(bob.dc, { to: other, content: "elsewhere too" });
    await sdk.likePost(bob.dc, { post: other });
    await settleLikeCounts([other]);
    await quiet();
    expect(thread.updates).toHaveLength(0);
  });

  it("pushes nothing about a post the subscriber may not see, exactly as for a post that does not exist", async () => {
    const { ann, fan, stranger } = await accounts("ann", "fan", "stranger");
    await sdk.follow(fan.dc, { uid: ann.uid });
    const hidden = await newPost(ann.dc, "for my followers", sdk.Visibility.FOLLOWERS);
    const hiddenThread = watch(sdk.postThreadRef(stranger.dc, { id: hidden }));
    const ghostThread = watch(sdk.postThreadRef(stranger.dc, { id: crypto.randomUUID() }));
    expect(card(await hiddenThread.ready())).toBeNull();
    expect(card(await ghostThread.ready())).toBeNull();

    await sdk.addComment(fan.dc, { post: hidden, content: "psst" });
    await sdk.reply(fan.dc, { to: hidden, content: "between us" });
    await sdk.likePost(fan.dc, { post: hidden });
    await settleLikeCounts([hidden]);
    await sdk.editPost(ann.dc, { id: hidden, content: "still for my followers" });
    await quiet();
    expect(hiddenThread.updates).toEqual([]);
    expect(ghostThread.updates).toEqual([]);
  });

  it("takes the post away when its author blocks the subscriber, and shows it to a new follower", async () => {
    const { ann, bob, cid } = await accounts("ann", "bob", "cid");
    const open = await newPost(ann.dc, "public words");
    const followersOnly = await newPost(ann.dc, "followers only", sdk.Visibility.FOLLOWERS);
    const bobsView = watch(sdk.postThreadRef(bob.dc, { id: open }));
    const cidsView = watch(sdk.postThreadRef(cid.dc, { id: followersOnly }));
    expect(card(await bobsView.ready())?.content).toBe("public words");
    expect(card(await cidsView.ready())).toBeNull();

    await sdk.block(ann.dc, { uid: bob.uid });
    expect(card(await bobsView.next())).toBeNull();
    await sdk.follow(cid.dc, { uid: ann.uid });
    expect(card(await cidsView.next())?.content).toBe("followers only");
  });

  it("shows a private account's post to the requester once the request is approved", async () => {
    const { dee, eve } = await accounts("dee", "eve");
    await sdk.updateMyProfile(dee.dc, { isPrivate: true });
    const id = await newPost(dee.dc, "private words");
    await sdk.follow(eve.dc, { uid: dee.uid }); // a request: nothing to see yet
    const evesView = watch(sdk.postThreadRef(eve.dc, { id }));
    expect(card(await evesView.ready())).toBeNull();

    await sdk.approveFollowRequest(dee.dc, { requesterUid: eve.uid });
    // find, not next: the refresh may arrive before the mutation's own answer does.
    await evesView.find((d) => card(d)?.content === "private words");
  });
});

describe("PostReplies, live", () => {
  it("shows a new reply, filtered by the subscriber's blocks, and pushes nothing when nothing it shows changed", async () => {
    const { ann, bob, troll } = await accounts("ann", "bob", "troll");
    const id = await newPost(ann.dc, "discuss");
    await sdk.block(bob.dc, { uid: troll.uid });
    const replies = watch(sdk.postRepliesRef(bob.dc, { post: id, ...START }));
    expect(feedPage((await replies.ready())._select).items).toEqual([]);

    await sdk.reply(troll.dc, { to: id, content: "words bob never sees" }); // ann has not blocked troll
    await quiet();
    expect(replies.updates).toHaveLength(0);
    await sdk.reply(ann.dc, { to: id, content: "welcome words" });
    const page = feedPage((await replies.next())._select);
    expect(page.items.map((item) => item.content)).toEqual(["welcome words"]);
  });
});

describe("PostComments, live", () => {
  it("shows a new comment, and a new answer's count on the comment it answers", async () => {
    const { ann, bob } = await accounts("ann", "bob");
    const id = await newPost(ann.dc, "comment here");
    const comments = watch(sdk.postCommentsRef(ann.dc, { post: id, ...START }));
    expect((await comments.ready())._select).toEqual([]);

    const { comment_insert } = (await sdk.addComment(bob.dc, { post: id, content: "top" })).data;
    const [top] = (await comments.next())._select as { content: string; answerCount: number }[];
    expect(top).toMatchObject({ content: "top", answerCount: 0 });
    await sdk.addComment(ann.dc, {
      post: id,
      content: "answer",
      parent: (comment_insert as { id: string }).id,
    });
    expect(((await comments.next())._select as { answerCount: number }[])[0]?.answerCount).toBe(1);
  });
});

describe("HomeFeed, live", () => {
  it("shows the caller's own new post at once, and leaves other feeds to their poll", async () => {
    const { yan, zoe } = await accounts("yan", "zoe");
    await sdk.follow(zoe.dc, { uid: yan.uid });
    const yansFeed = watch(sdk.homeFeedRef(yan.dc, feedVariables(null)));
    const zoesFeed = watch(sdk.homeFeedRef(zoe.dc, feedVariables(null)));
    await Promise.all([yansFeed.ready(), zoesFeed.ready()]);

    await sdk.createPost(yan.dc, { content: "hello followers" });
    const fresh = await yansFeed.next();
    expect(feedPage(fresh._select).items.map((item) => item.content)).toEqual(["hello followers"]);
    await quiet();
    expect(zoesFeed.updates).toHaveLength(0);
  });

  it("shows the caller's own published draft at once (PublishPost, as the publishDraft function calls it)", async () => {
    const { yul } = await accounts("yul");
    const feed = watch(sdk.homeFeedRef(yul.dc, feedVariables(null)));
    await feed.ready();
    await sdk.publishPost(yul.dc, { key: "d1:0123456789abcdef", content: "from my drafts" });
    // The pushed page with the post (a busy machine may deliver an unchanged page first; the 30 s poll
    // cannot be what answers within next()'s 10 s).
    const fresh = await feed.next((r) => feedPage(r._select).items.length > 0);
    expect(feedPage(fresh._select).items.map((item) => item.content)).toEqual(["from my drafts"]);
  });
});
