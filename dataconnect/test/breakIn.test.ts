// Break-in tests for every finding of issue #12, as the attacker or careless client did it: through the
// generated SDK (web/src/dataconnect-generated) and the official web SDK, as signed-in users, over HTTP.
// By default against our engine in this process on the test PostgreSQL server (real concurrency); set
// ROOKERY_DATACONNECT_URL (e.g. http://127.0.0.1:9399 under `npm start`) to attack a running stack
// instead. Every account is new (a random suffix), so a shared database is fine.
import type { DataConnect } from "firebase/data-connect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import {
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../packages/dataconnect-emulator/src/index.ts";
import type * as Social from "../../web/src/dataconnect-generated/index.d.ts";
import { bookmarksPage, feedPage, feedVariables, postCard } from "../client/feed.ts";
import { fresh, sdk, webApps } from "./support/webApps.ts";
import { openDatabase } from "./support.ts";

const external = process.env.ROOKERY_DATACONNECT_URL;

let target: URL;
let emulator: RunningEmulator | undefined;
let db: Database | undefined;
const apps = webApps(() => ({ host: target.hostname, port: Number(target.port) }));
const run = crypto.randomUUID().slice(0, 6);
let accounts = 0;

beforeAll(async () => {
  if (external) {
    target = new URL(external);
  } else {
    db = await openDatabase("postgres");
    emulator = await startDataConnectEmulator({
      configDir: new URL("..", import.meta.url).pathname,
      database: db,
      standaloneAfterMs: 0,
      projectId: "demo-rookery",
    });
    target = new URL(emulator.url);
  }
  Object.assign(process.env, {
    GCLOUD_PROJECT: "demo-rookery",
    DATA_CONNECT_EMULATOR_HOST: target.host,
    METADATA_SERVER_DETECTION: "none",
  });
});
afterAll(async () => {
  await emulator?.stop();
  await db?.close();
});
afterEach(() => apps.dispose());

/** A new signed-in account with a profile row: its web app's Data Connect instance and its uid. */
async function account(name: string): Promise<{ dc: DataConnect; uid: string }> {
  const uid = `${name}-${run}-${++accounts}`;
  const dc = apps.as(uid);
  await sdk.upsertMe(dc, { displayName: name });
  return { dc, uid };
}

const post = async (dc: DataConnect, content: string, visibility?: "PUBLIC" | "FOLLOWERS") =>
  (
    await sdk.createPost(dc, {
      content,
      ...(visibility ? { visibility: visibility as Social.Visibility } : {}),
    })
  ).data.post_insert.id;
const thread = async (dc: DataConnect, id: string) =>
  postCard((await sdk.postThread(dc, { id }, fresh)).data.post);
/** The error a refused call rejects with (its message), or "ok" if it was not refused. */
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (e: unknown) => String((e as Error).message),
  );

describe("finding 1: followers-only posts leak to strangers and blocked users", () => {
  it("a follower's reply does not hand the post's id to strangers, and a bookmark by id gets nothing", async () => {
    const b = await account("b");
    const follower = await account("follower");
    const stranger = await account("stranger");
    await sdk.follow(follower.dc, { uid: b.uid });
    const secret = await post(b.dc, "followers only: the secret", "FOLLOWERS");
    await sdk.reply(follower.dc, { to: secret, content: "replying to the secret" });

    const seen = JSON.stringify(
      (await sdk.authorFeed(stranger.dc, { uid: follower.uid, ...feedVariables(null) }, fresh)).data,
    );
    expect(seen).not.toContain(secret);
    expect(seen).not.toContain("the secret");
    // The id leaked anyway (say, from a screenshot): bookmarking it is refused, and nothing comes back.
    expect(await refusal(sdk.bookmarkPost(stranger.dc, { post: secret }))).toMatch(
      /that post does not exist/,
    );
    const bookmarks = bookmarksPage(
      (await sdk.myBookmarks(stranger.dc, feedVariables(null), fresh)).data.bookmarks,
    );
    expect(JSON.stringify(bookmarks)).not.toContain("the secret");
    expect(await thread(stranger.dc, secret)).toBeNull();
  });

  it("a bookmark made while allowed shows nothing once the author blocks the reader", async () => {
    const b = await account("b");
    const reader = await account("reader");
    await sdk.follow(reader.dc, { uid: b.uid });
    const secret = await post(b.dc, "followers only: bookmarked", "FOLLOWERS");
    await sdk.bookmarkPost(reader.dc, { post: secret });
    expect(
      bookmarksPage((await sdk.myBookmarks(reader.dc, feedVariables(null), fresh)).data.bookmarks).items,
    ).toHaveLength(1);
    await sdk.block(b.dc, { uid: reader.uid });
    const after = (await sdk.myBookmarks(reader.dc, feedVariables(null), fresh)).data.bookmarks;
    expect(JSON.stringify(after)).not.toContain("bookmarked");
    expect(bookmarksPage(after).items).toEqual([]);
  });

  it("followers-only posts cannot be reposted or quoted, so neither carries them further", async () => {
    const b = await account("b");
    const follower = await account("follower");
    await sdk.follow(follower.dc, { uid: b.uid });
    const secret = await post(b.dc, "followers only: not for sharing", "FOLLOWERS");
    expect(await refusal(sdk.repost(follower.dc, { of: secret }))).toMatch(/cannot be shared/);
    expect(await refusal(sdk.quote(follower.dc, { of: secret, content: "look" }))).toMatch(
      /cannot be shared/,
    );
  });
});

describe("finding 2: blocked users and non-followers can interact with posts they may not see", () => {
  it("refuses every interaction with a blocker's post and a followers-only post, and shows neither", async () => {
    const author = await account("author");
    const blocked = await account("blocked");
    const stranger = await account("stranger");
    const open = await post(author.dc, "public, but not for the blocked");
    const closed = await post(author.dc, "followers only", "FOLLOWERS");
    await sdk.block(author.dc, { uid: blocked.uid });
    const attempts: [DataConnect, string][] = [
      [blocked.dc, open],
      [blocked.dc, closed],
      [stranger.dc, closed],
    ];
    for (const [dc, id] of attempts) {
      expect(await thread(dc, id)).toBeNull();
      for (const call of [
        () => sdk.reply(dc, { to: id, content: "hi" }),
        () => sdk.addComment(dc, { post: id, content: "hi" }),
        () => sdk.likePost(dc, { post: id }),
        () => sdk.quote(dc, { of: id, content: "hi" }),
        () => sdk.repost(dc, { of: id }),
        () => sdk.bookmarkPost(dc, { post: id }),
      ])
        expect(await refusal(call())).toMatch(/that post does not exist/);
    }
    const card = await thread(author.dc, open);
    expect(card).toMatchObject({ likeCount: 0, replyCount: 0, commentCount: 0, shareCount: 0 });
  });
});

describe("finding 3: counter races", () => {
  it("ten concurrent deletes of one comment: one succeeds, commentCount is 0, never -9", async () => {
    const author = await account("author");
    const commenter = await account("commenter");
    const id = await post(author.dc, "comment on me");
    const comment = (await sdk.addComment(commenter.dc, { post: id, content: "delete me" })).data
      .comment_insert as { id: string };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => refusal(sdk.deleteComment(commenter.dc, { id: comment.id }))),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(await thread(author.dc, id)).toMatchObject({ commentCount: 0 });
  });

  it("repost then delete, four times over: shareCount ends at 0", async () => {
    const author = await account("author");
    const fan = await account("fan");
    const id = await post(author.dc, "share me");
    for (let cycle = 0; cycle < 4; cycle++) {
      const repost = (await sdk.repost(fan.dc, { of: id })).data.post_insert as { id: string };
      await Promise.all([1, 2, 3].map(() => refusal(sdk.deletePost(fan.dc, { id: repost.id }))));
    }
    expect(await thread(author.dc, id)).toMatchObject({ shareCount: 0 });
  });

  it("replyCount counts live replies only", async () => {
    const author = await account("author");
    const fan = await account("fan");
    const id = await post(author.dc, "reply to me");
    const keep = (await sdk.reply(fan.dc, { to: id, content: "stays" })).data.post_insert as { id: string };
    const drop = (await sdk.reply(fan.dc, { to: id, content: "goes" })).data.post_insert as { id: string };
    await Promise.all([1, 2, 3].map(() => refusal(sdk.deletePost(fan.dc, { id: drop.id }))));
    expect(await thread(author.dc, id)).toMatchObject({ replyCount: 1 });
    const start = { afterTime: "1970-01-01T00:00:00Z", afterId: "00000000-0000-0000-0000-000000000000" };
    const replies = feedPage(
      (await sdk.postReplies(author.dc, { post: id, ...start }, fresh)).data._select,
    ).items;
    expect(replies.map((r) => r.id)).toEqual([keep.id]);
  });
});

describe("finding 4: like counts stay wrong forever when an event fails", () => {
  it("likes settle through the sweep even when their events never arrive or cannot be delivered", async () => {
    const author = await account("author");
    const posts = await Promise.all(Array.from({ length: 8 }, (_, i) => post(author.dc, `like me ${i}`)));
    for (const id of posts) {
      const liker = await account("liker");
      await sdk.likePost(liker.dc, { post: id });
    }
    // One client tries to make its like uncounted with a deeply nested extra variable.
    const sneaky = await account("sneaky");
    let junk: unknown = "x";
    for (let i = 0; i < 1000; i++) junk = { junk };
    await refusal(sdk.likePost(sneaky.dc, { post: posts[0]!, junk } as never));
    // No event reaches any function here (none is wired); the scheduled sweep settles them all.
    const fns = await import("../../functions/src/index.ts");
    await fns.sweepLikeCountsEveryMinute.run({} as never);
    for (const [i, id] of posts.entries()) {
      const card = await thread(author.dc, id);
      const liked = i === 0 ? [1, 2] : [1];
      expect(liked, id).toContain(card?.likeCount);
    }
    const first = await thread(sneaky.dc, posts[0]!);
    expect(first!.likeCount).toBe(first!.likedByMe ? 2 : 1);
  });
});

describe("finding 5: bad values accepted", () => {
  it("refuses a post made of \\n\\t and other Unicode whitespace", async () => {
    const { dc } = await account("blank");
    for (const content of ["\n\t", "\u00a0\u2003", "\u200b"])
      expect(await refusal(sdk.createPost(dc, { content }))).toMatch(/a post needs some content/);
  });

  it("refuses an empty username and one differing only by case from a taken one", async () => {
    const first = await account("first");
    const second = await account("second");
    expect(await refusal(sdk.updateMyProfile(first.dc, { username: "" }))).toMatch(/a username is/);
    await sdk.updateMyProfile(first.dc, { username: `Taken_${run}` });
    expect(await refusal(sdk.updateMyProfile(second.dc, { username: `tAKEN_${run}` }))).toMatch(
      /that username is taken/,
    );
  });

  it("refuses a javascript: avatar URL", async () => {
    const { dc } = await account("avatar");
    expect(
      await refusal(sdk.updateMyProfile(dc, { avatarUrl: "javascript:alert(document.cookie)" })),
    ).toMatch(/an avatar URL must be https:/);
    expect(await refusal(sdk.upsertMe(dc, { displayName: "x", avatarUrl: "javascript:alert(1)" }))).toMatch(
      /an avatar URL must be https:/,
    );
  });

  it("refuses likes and bookmarks on deleted posts", async () => {
    const author = await account("author");
    const fan = await account("fan");
    const id = await post(author.dc, "soon gone");
    await sdk.deletePost(author.dc, { id });
    expect(await refusal(sdk.likePost(fan.dc, { post: id }))).toMatch(/that post does not exist/);
    expect(await refusal(sdk.bookmarkPost(fan.dc, { post: id }))).toMatch(/that post does not exist/);
  });

  it("bounds every list: Followers with a limit of 1e9 answers one page, MyLikesOnPosts looks at 100 ids", async () => {
    const star = await account("star");
    const fans = await Promise.all(Array.from({ length: 3 }, () => account("fan")));
    for (const fan of fans) await sdk.follow(fan.dc, { uid: star.uid });
    const page = await sdk.followers(
      star.dc,
      { uid: star.uid, beforeTime: "9999-12-31T23:59:59Z", limit: 1e9 },
      fresh,
    );
    expect(page.data.follows).toHaveLength(3);
    const liked = await post(star.dc, "liked");
    await sdk.likePost(fans[0]!.dc, { post: liked });
    const ids = [...Array.from({ length: 10_000 }, () => crypto.randomUUID()), liked];
    expect((await sdk.myLikesOnPosts(fans[0]!.dc, { posts: ids }, fresh)).data.likes).toEqual([]);
    expect(
      (await sdk.myLikesOnPosts(fans[0]!.dc, { posts: [liked, ...ids] }, fresh)).data.likes,
    ).toHaveLength(1);
  });
});
