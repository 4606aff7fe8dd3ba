import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Social, social } from "./support.ts";

// The start of an oldest-first keyset list (PostReplies, PostComments).
const START = "1970-01-01T00:00:00Z";
const ZERO = "00000000-0000-0000-0000-000000000000";

describe("posts", () => {
  let s: Social;
  beforeAll(async () => {
    s = await social();
    await s.users("ann", "bob");
  });
  afterAll(() => s.close());

  const post = async (uid: string, content: string) =>
    ok<{ post_insert: { id: string } }>(await s.mutate(uid, "CreatePost", { content })).post_insert.id;
  const user = async (uid: string) => ok<{ user: Record<string, number> }>(await s.query(uid, "GetMe")).user;
  const thread = async (uid: string, id: string) =>
    (await s.query(uid, "PostThread", { id })).data?.post as Record<string, unknown> | null;
  const replies = async (uid: string, post: string) =>
    ok<{ _select: Record<string, unknown>[] }>(
      await s.query(uid, "PostReplies", { post, afterTime: START, afterId: ZERO }),
    )._select;
  const comments = async (uid: string, post: string, parent?: string) =>
    ok<{ _select: Record<string, unknown>[] }>(
      await s.query(uid, "PostComments", { post, parent, afterTime: START, afterId: ZERO }),
    )._select;

  it("creates a post with its stats row and counts it for the author", async () => {
    const before = (await user("ann")).postCount!;
    const id = await post("ann", "hello **world**");
    expect((await user("ann")).postCount).toBe(before + 1);
    expect(await thread("bob", id)).toMatchObject({
      content: "hello **world**",
      kind: "POST",
      authorUid: "ann",
      likeCount: 0,
      replyCount: 0,
    });
  });

  it("refuses empty, blank and too long content without counting it", async () => {
    const before = (await user("ann")).postCount!;
    for (const content of ["", "   ", "\n\t", "\u00a0\u2003\u3000", "\u200b\ufeff", "x".repeat(5001)]) {
      const res = await s.mutate("ann", "CreatePost", { content });
      expect(res.errors?.length).toBeGreaterThan(0);
    }
    expect((await user("ann")).postCount).toBe(before);
  });

  it("replies, reposts and quotes, counting them on the original", async () => {
    const id = await post("ann", "original");
    ok(await s.mutate("bob", "Reply", { to: id, content: "a reply" }));
    ok(await s.mutate("bob", "Repost", { of: id }));
    ok(await s.mutate("bob", "Quote", { of: id, content: "look at this" }));
    expect(await thread("ann", id)).toMatchObject({ replyCount: 1, shareCount: 2 });
    expect(await replies("ann", id)).toEqual([
      expect.objectContaining({ content: "a reply", kind: "REPLY", replyToId: id, authorUid: "bob" }),
    ]);
  });

  it("refuses a second live repost of the same post", async () => {
    const id = await post("ann", "repost me once");
    ok(await s.mutate("bob", "Repost", { of: id }));
    const again = await s.mutate("bob", "Repost", { of: id });
    expect(again.errors?.find((e) => e.path?.[0] === "post_insert")?.message).toMatch(
      /post_one_live_repost_uidx/,
    );
    expect(await thread("ann", id)).toMatchObject({ shareCount: 1 });
  });

  it("lets only the author edit, and marks the edit", async () => {
    const id = await post("ann", "first draft");
    const denied = await s.mutate("bob", "EditPost", { id, content: "hijacked" });
    expect(denied.errors?.some((e) => e.message === "you have no such post")).toBe(true);
    ok(await s.mutate("ann", "EditPost", { id, content: "second draft" }));
    expect(await thread("ann", id)).toMatchObject({ content: "second draft", editedAt: expect.any(String) });
  });

  it("deletes as a tombstone: the row stays, the text goes, the thread answers as if it never existed", async () => {
    const id = await post("ann", "regrettable");
    const reply = ok<{ post_insert: { id: string } }>(
      await s.mutate("bob", "Reply", { to: id, content: "ouch" }),
    ).post_insert.id;
    const before = (await user("ann")).postCount!;
    expect((await s.mutate("bob", "DeletePost", { id })).errors?.[0]?.message).toBe("you have no such post");
    ok(await s.mutate("ann", "DeletePost", { id }));
    expect((await user("ann")).postCount).toBe(before - 1);
    const [row] = await s.db.query(
      `SELECT content, deleted_at IS NOT NULL AS deleted FROM post WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ content: "", deleted: true });
    expect(await thread("bob", id)).toBeNull();
    expect(await replies("bob", id)).toEqual([]);
    // The reply lives on, no longer naming a post nobody can see.
    expect(await thread("bob", reply)).toMatchObject({ content: "ouch", kind: "REPLY", replyToId: null });
    expect((await s.mutate("ann", "DeletePost", { id })).errors?.[0]?.message).toBe("you have no such post");
    expect(
      (await s.mutate("bob", "Reply", { to: id, content: "too late" })).errors?.map((e) => e.message),
    ).toContain("that post does not exist");
  });

  it("keeps followers-only posts from non-followers, also in the thread view", async () => {
    const { post_insert } = ok<{ post_insert: { id: string } }>(
      await s.mutate("ann", "CreatePost", { content: "friends only", visibility: "FOLLOWERS" }),
    );
    expect(await thread("bob", post_insert.id)).toBeNull();
    ok(await s.mutate("bob", "Follow", { uid: "ann" }));
    expect(await thread("bob", post_insert.id)).toMatchObject({
      content: "friends only",
      visibility: "FOLLOWERS",
    });
  });

  it("threads comments with answers and counts them; only the author deletes one", async () => {
    const id = await post("ann", "discuss");
    const { comment_insert } = ok<{ comment_insert: { id: string } }>(
      await s.mutate("bob", "AddComment", { post: id, content: "first!" }),
    );
    ok(await s.mutate("ann", "AddComment", { post: id, content: "thanks", parent: comment_insert.id }));
    expect(await thread("ann", id)).toMatchObject({ commentCount: 2 });
    expect(await comments("ann", id)).toEqual([
      expect.objectContaining({ id: comment_insert.id, content: "first!", authorUid: "bob", answerCount: 1 }),
    ]);
    expect(await comments("ann", id, comment_insert.id)).toEqual([
      expect.objectContaining({ content: "thanks", parentId: comment_insert.id, authorUid: "ann" }),
    ]);
    expect((await s.mutate("ann", "DeleteComment", { id: comment_insert.id })).errors?.[0]?.message).toBe(
      "you have no such comment",
    );
    ok(await s.mutate("bob", "DeleteComment", { id: comment_insert.id }));
    expect(await thread("ann", id)).toMatchObject({ commentCount: 1 });
    // The deleted comment stays as a tombstone while its answer lives: no text, no author.
    expect(await comments("ann", id)).toEqual([
      expect.objectContaining({
        id: comment_insert.id,
        content: "",
        authorUid: null,
        deletedAt: expect.any(String),
      }),
    ]);
  });

  it("refuses an answer to a comment of another post", async () => {
    const a = await post("ann", "post a");
    const b = await post("ann", "post b");
    const { comment_insert } = ok<{ comment_insert: { id: string } }>(
      await s.mutate("bob", "AddComment", { post: a, content: "on a" }),
    );
    const res = await s.mutate("bob", "AddComment", {
      post: b,
      content: "cross-post",
      parent: comment_insert.id,
    });
    expect(
      res.errors?.some(
        (e) => e.message === "that post does not exist, or the comment you answer is not on it",
      ),
    ).toBe(true);
    expect(await thread("ann", b)).toMatchObject({ commentCount: 0 });
  });

  it("updates only the profile fields given, and refuses a taken username", async () => {
    ok(await s.mutate("ann", "UpdateMyProfile", { username: "ann", bio: "hi" }));
    ok(await s.mutate("ann", "UpdateMyProfile", { displayName: "Ann A." }));
    expect(await user("ann")).toMatchObject({ username: "ann", bio: "hi", displayName: "Ann A." });
    const taken = await s.mutate("bob", "UpdateMyProfile", { username: "ann" });
    expect(taken.errors?.map((e) => e.message)).toContain("that username is taken");
    expect(await user("bob")).toMatchObject({ username: null });
  });
});
