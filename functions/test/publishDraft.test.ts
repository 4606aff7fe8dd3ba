// Publishing drafts against our engines in process: Firestore holds the draft, Data Connect the post.
import { FieldValue } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PublishError, publishDraft, publishKey } from "../src/drafts/publishDraft.ts";
import { type SocialStack, startSocialStack } from "./support/socialStack.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let s: SocialStack;
beforeAll(async () => {
  s = await startSocialStack({ name: "drafts" });
  await s.users("ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal");
});
afterAll(() => s?.close());

const claims = (uid: string) => ({ sub: uid, firebase: { sign_in_provider: "password", identities: {} } });
const deps = (uid: string, extra: { afterCreate?: () => Promise<void> } = {}) => ({
  firestore: s.firestore,
  dataConnect: s.dataConnect,
  authClaims: claims(uid),
  ...extra,
});
const draft = (uid: string, id: string) => s.firestore.doc(`users/${uid}/drafts/${id}`);
const write = (uid: string, id: string, content: string) =>
  draft(uid, id).set({ content, updatedAt: FieldValue.serverTimestamp() });
const postsOf = async (uid: string) =>
  (
    await s.admin<{ posts: { id: string; content: string; clientKey: string | null }[] }>(
      `{ posts(where: {authorUid: {eq: "${uid}"}}, orderBy: {createdAt: ASC}) { id content clientKey } }`,
    )
  ).posts;
const postCount = async (uid: string) =>
  (await s.admin<{ user: { postCount: number } }>(`{ user(key: {uid: "${uid}"}) { postCount } }`)).user
    .postCount;

describe("publishDraft", () => {
  it("creates the post from the draft as the server has it, then removes the draft", async () => {
    await write("ann", "d1", "first words");
    const result = await publishDraft(deps("ann"), { draftId: "d1", visibility: "FOLLOWERS" });
    expect(result).toMatchObject({ created: true, draftDeleted: true });
    const posts = await postsOf("ann");
    expect(posts).toEqual([
      { id: result.postId, content: "first words", clientKey: publishKey("d1", "first words") },
    ]);
    expect((await draft("ann", "d1").get()).exists).toBe(false);
    expect(await postCount("ann")).toBe(1);
  });

  it("answers the same post when retried after it finished (the draft is gone)", async () => {
    await write("bob", "d1", "retry me");
    const first = await publishDraft(deps("bob"), { draftId: "d1", visibility: "PUBLIC" });
    const again = await publishDraft(deps("bob"), { draftId: "d1", visibility: "PUBLIC" });
    expect(again).toEqual({ postId: first.postId, created: false, draftDeleted: true });
    expect(await postsOf("bob")).toHaveLength(1);
  });

  it("creates exactly one post when published many times at once", async () => {
    await write("cat", "d1", "double tap");
    const results = await Promise.all(
      Array.from({ length: 6 }, () => publishDraft(deps("cat"), { draftId: "d1", visibility: "PUBLIC" })),
    );
    expect(new Set(results.map((r) => r.postId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.every((r) => r.draftDeleted)).toBe(true);
    expect(await postsOf("cat")).toHaveLength(1);
    expect(await postCount("cat")).toBe(1);
  });

  it("keeps the draft when it fails between creating the post and deleting the draft; a retry finishes", async () => {
    await write("dan", "d1", "fragile");
    const crash = async () => {
      throw new Error("the function instance died here");
    };
    await expect(
      publishDraft(deps("dan", { afterCreate: crash }), { draftId: "d1", visibility: "PUBLIC" }),
    ).rejects.toThrow("died here");
    expect((await draft("dan", "d1").get()).get("content")).toBe("fragile");
    expect(await postsOf("dan")).toHaveLength(1);
    const retry = await publishDraft(deps("dan"), { draftId: "d1", visibility: "PUBLIC" });
    expect(retry).toMatchObject({ created: false, draftDeleted: true });
    expect(await postsOf("dan")).toHaveLength(1);
    expect(await postCount("dan")).toBe(1);
  });

  it("keeps an edit made while publishing; publishing again publishes the edit, once", async () => {
    await write("eve", "d1", "version one");
    const edit = () => write("eve", "d1", "version two").then(() => undefined);
    const first = await publishDraft(deps("eve", { afterCreate: edit }), {
      draftId: "d1",
      visibility: "PUBLIC",
    });
    expect(first).toMatchObject({ created: true, draftDeleted: false });
    expect((await draft("eve", "d1").get()).get("content")).toBe("version two");
    const second = await publishDraft(deps("eve"), { draftId: "d1", visibility: "PUBLIC" });
    expect(second).toMatchObject({ created: true, draftDeleted: true });
    expect((await postsOf("eve")).map((p) => p.content)).toEqual(["version one", "version two"]);
  });

  it("refuses a draft the post cannot hold, saying why, and keeps it", async () => {
    await write("fay", "long", "x".repeat(5001));
    await write("fay", "blank", " \u200b\n");
    await expect(publishDraft(deps("fay"), { draftId: "long", visibility: "PUBLIC" })).rejects.toMatchObject({
      code: "invalid-argument",
      message: "a post holds at most 5000 characters; this draft has 5001",
    });
    await expect(publishDraft(deps("fay"), { draftId: "blank", visibility: "PUBLIC" })).rejects.toMatchObject(
      {
        code: "failed-precondition",
        message: "a post needs some content",
      },
    );
    expect((await draft("fay", "long").get()).exists).toBe(true);
    expect((await draft("fay", "blank").get()).exists).toBe(true);
    expect(await postsOf("fay")).toEqual([]);
  });

  it("finds only the caller's own drafts", async () => {
    await write("gus", "secret", "gus's words");
    const attempt = publishDraft(deps("hal"), { draftId: "secret", visibility: "PUBLIC" });
    await expect(attempt).rejects.toBeInstanceOf(PublishError);
    await expect(attempt).rejects.toMatchObject({ code: "not-found" });
    expect((await draft("gus", "secret").get()).exists).toBe(true);
    expect(await postsOf("hal")).toEqual([]);
  });
});

describe("PublishPost, the operation behind it", () => {
  it("refuses a key that is not a publish key", async () => {
    const { errors } = await s.attempt("hal", "PublishPost", { key: "x", content: "hi" });
    expect(errors.join()).toContain("not a publish key");
  });

  it("keys per author: the same key by two authors is two posts", async () => {
    const key = publishKey("shared", "same text");
    const a = await s.mutate<{ post: { id: string } }>("gus", "PublishPost", { key, content: "same text" });
    const b = await s.mutate<{ post: { id: string } }>("hal", "PublishPost", { key, content: "same text" });
    expect(a.post.id).not.toBe(b.post.id);
  });
});
