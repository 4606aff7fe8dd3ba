// The social connector through the SDK we generate (`npm run generate:sdk` → web/src/dataconnect-generated),
// the official web SDK underneath, and our emulator's HTTP protocol: what the app will do.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../packages/dataconnect-emulator/src/index.ts";
import { bookmarksPage, feedPage, feedVariables, postCard } from "../client/feed.ts";
import { fresh, sdk, webApps } from "./support/webApps.ts";

let emulator: RunningEmulator;
const apps = webApps(() => ({ host: "127.0.0.1", port: emulator.addresses[0]!.port }));
const as = apps.as;

beforeAll(async () => {
  emulator = await startDataConnectEmulator({
    configDir: new URL("..", import.meta.url).pathname,
    standaloneAfterMs: 0,
  });
});
afterAll(() => emulator.stop());
afterEach(() => apps.dispose());

describe("the generated SDK against the engine", () => {
  it("runs the whole social flow: profiles, posts, the graph, engagement and feeds", async () => {
    const [ann, bob] = [as("ann"), as("bob")];
    await sdk.upsertMe(ann, { displayName: "Ann" });
    await sdk.upsertMe(bob, { displayName: "Bob" });
    await sdk.updateMyProfile(ann, { username: "ann", bio: "hello" });
    expect((await sdk.getMe(ann, fresh)).data.user).toMatchObject({
      uid: "ann",
      username: "ann",
      bio: "hello",
    });

    await sdk.follow(bob, { uid: "ann" });
    const profile = (await sdk.getProfile(bob, { uid: "ann" }, fresh)).data;
    expect(profile).toMatchObject({
      user: { followerCount: 1 },
      following: { createdAt: expect.any(String) },
    });

    const { post_insert } = (await sdk.createPost(ann, { content: "first post" })).data;
    if (!post_insert) throw new Error("no post");
    await sdk.reply(bob, { to: post_insert.id, content: "welcome" });
    await sdk.repost(bob, { of: post_insert.id });
    await sdk.quote(bob, { of: post_insert.id, content: "quoting" });
    await sdk.editPost(ann, { id: post_insert.id, content: "first post (edited)" });
    await sdk.likePost(bob, { post: post_insert.id });
    await sdk.bookmarkPost(bob, { post: post_insert.id });
    const comment = (await sdk.addComment(bob, { post: post_insert.id, content: "nice" })).data
      .comment_insert as { id: string };

    const thread = postCard((await sdk.postThread(bob, { id: post_insert.id }, fresh)).data.post);
    expect(thread).toMatchObject({
      content: "first post (edited)",
      replyCount: 1,
      shareCount: 2,
      commentCount: 1,
      likedByMe: true,
      bookmarkedByMe: true,
    });
    const start = { afterTime: "1970-01-01T00:00:00Z", afterId: "00000000-0000-0000-0000-000000000000" };
    expect(
      feedPage((await sdk.postReplies(bob, { post: post_insert.id, ...start }, fresh)).data._select).items,
    ).toEqual([expect.objectContaining({ content: "welcome", kind: "REPLY" })]);
    expect((await sdk.postComments(ann, { post: post_insert.id, ...start }, fresh)).data._select).toEqual([
      expect.objectContaining({ id: comment.id, content: "nice", authorUid: "bob" }),
    ]);
    expect((await sdk.myLikesOnPosts(bob, { posts: [post_insert.id] }, fresh)).data.likes).toEqual([
      { postId: post_insert.id },
    ]);
    expect(
      bookmarksPage((await sdk.myBookmarks(bob, feedVariables(null), fresh)).data.bookmarks).items,
    ).toEqual([expect.objectContaining({ id: post_insert.id, bookmarkedAt: expect.any(String) })]);

    const home = feedPage((await sdk.homeFeed(bob, feedVariables(null), fresh)).data._select);
    expect(home.items.map((i) => i.authorUid).sort()).toEqual(["ann", "bob", "bob", "bob"]);
    expect(home.items.find((i) => i.id === post_insert.id)).toMatchObject({
      likedByMe: true,
      bookmarkedByMe: true,
    });
    expect(
      feedPage((await sdk.globalFeed(ann, feedVariables(null), fresh)).data._select).items.length,
    ).toBeGreaterThan(0);
    expect(
      feedPage((await sdk.authorFeed(bob, { uid: "ann", ...feedVariables(null) }, fresh)).data._select).items,
    ).toHaveLength(1);
    expect(
      (await sdk.followers(ann, { uid: "ann", beforeTime: "9999-12-31T23:59:59Z" }, fresh)).data.follows,
    ).toHaveLength(1);
    expect(
      (await sdk.following(ann, { uid: "bob", beforeTime: "9999-12-31T23:59:59Z" }, fresh)).data.follows,
    ).toHaveLength(1);
    expect((await sdk.mutualFollowers(ann, { uid: "ann" }, fresh)).data.users).toEqual([]);
    expect((await sdk.whoToFollow(ann, {}, fresh)).data._select).toEqual([]);

    await sdk.deleteComment(bob, { id: comment.id });
    await sdk.unlikePost(bob, { post: post_insert.id });
    await sdk.unbookmarkPost(bob, { post: post_insert.id });
    await sdk.mute(ann, { uid: "bob" });
    await sdk.unmute(ann, { uid: "bob" });
    await sdk.unfollow(bob, { uid: "ann" });
    await sdk.block(ann, { uid: "bob" });
    await sdk.unblock(ann, { uid: "bob" });
    await sdk.deletePost(ann, { id: post_insert.id });
    expect((await sdk.getMe(ann, fresh)).data.user).toMatchObject({ followerCount: 0, postCount: 0 });
  });

  it("refuses every operation to a signed-out app", async () => {
    const out = as(null);
    const id = "00000000-0000-4000-8000-000000000000";
    const calls: [string, () => Promise<unknown>][] = [
      ["getMe", () => sdk.getMe(out)],
      ["createPost", () => sdk.createPost(out, { content: "x" })],
      ["likePost", () => sdk.likePost(out, { post: id })],
      ["follow", () => sdk.follow(out, { uid: "ann" })],
      ["homeFeed", () => sdk.homeFeed(out, feedVariables(null))],
      ["block", () => sdk.block(out, { uid: "ann" })],
      ["settleLikeCounts", () => sdk.settleLikeCounts(out, { posts: [id] })],
      ["mirrorAuthUser", () => sdk.mirrorAuthUser(out, { uid: "x", displayName: "x", username: "xyz" })],
    ];
    for (const [name, call] of calls)
      await expect(call(), name).rejects.toMatchObject({ code: expect.stringMatching(/unauthorized|other/) });
  });

  it("refuses server-only operations to a signed-in app", async () => {
    await expect(
      sdk.mirrorAuthUser(as("ann"), { uid: "victim", displayName: "pwned", username: "pwned" }),
    ).rejects.toThrow(/not authorized/);
    await expect(sdk.settleLikeCounts(as("ann"), { posts: [] })).rejects.toThrow(/not authorized/);
  });
});
