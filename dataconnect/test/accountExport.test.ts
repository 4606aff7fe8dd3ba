// The account callables as deployed (`exportMyData`, `deleteMyAccount` in functions/src/index.ts), run
// in process (`.run(request)`) against our engines on PGlite and a PostgreSQL server: the export is one
// archive of exactly the caller's data, validated by its zod schema; both refuse a caller who is not
// signed in, and anything but what they take, and "delete my account" refuses a stale sign-in,
// changing nothing. Its happy path (which deletes the Auth account) runs through the Auth emulator in
// test/e2e/account-functions.test.ts.
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";
import { AccountArchive } from "../../functions/src/account/archive.ts";
import { stack } from "./support/stack.ts";
import { BACKENDS, ok } from "./support.ts";

/** A callable request as the Functions runtime builds it from a signed-in call. */
const signedIn = (uid: string, data: unknown, authTime = Math.floor(Date.now() / 1000)) =>
  ({ data, auth: { uid, token: { auth_time: authTime } }, rawRequest: {} }) as never;

/** The HttpsError code a call failed with. */
const failure = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => null,
    (e: { code?: string; message?: string }) => e,
  );
  expect(error, "the call should have failed").not.toBeNull();
  return { code: error?.code, message: error?.message };
};

describe.each(BACKENDS)("account callables (%s)", (backend) => {
  const s = stack(backend);
  let n = 0;

  /** `me` with one of everything, neighbours tied to it every way, and Firestore documents. */
  const world = async () => {
    const id = ++n;
    const [me, friend, star, shy, fan, troll, bore] = [
      "me",
      "friend",
      "star",
      "shy",
      "fan",
      "troll",
      "bore",
    ].map((name) => `${name}${id}`) as [string, string, string, string, string, string, string];
    for (const uid of [me, friend, star, shy, fan, troll, bore])
      ok(await s.as(uid, "mutation", "UpsertMe", { displayName: uid }));
    ok(await s.as(me, "mutation", "UpdateMyProfile", { bio: "hello there", isPrivate: true }));
    ok(await s.as(shy, "mutation", "UpdateMyProfile", { isPrivate: true }));
    ok(await s.as(me, "mutation", "Follow", { uid: star }));
    ok(await s.as(me, "mutation", "Follow", { uid: shy })); // a request
    ok(await s.as(friend, "mutation", "Follow", { uid: me }));
    ok(await s.as(me, "mutation", "ApproveFollowRequest", { requesterUid: friend }));
    ok(await s.as(fan, "mutation", "Follow", { uid: me })); // a request to me
    ok(await s.as(me, "mutation", "Block", { uid: troll }));
    ok(await s.as(me, "mutation", "Mute", { uid: bore }));
    const starPost = ok<{ post_insert: { id: string } }>(
      await s.as(star, "mutation", "CreatePost", { content: "star post" }),
    ).post_insert.id;
    const mine = ok<{ post_insert: { id: string } }>(
      await s.as(me, "mutation", "CreatePost", { content: "my post", visibility: "FOLLOWERS" }),
    ).post_insert.id;
    ok(await s.as(me, "mutation", "Reply", { to: starPost, content: "my reply" }));
    ok(await s.as(me, "mutation", "LikePost", { post: starPost }));
    ok(await s.as(me, "mutation", "BookmarkPost", { post: starPost }));
    ok(await s.as(me, "mutation", "AddComment", { post: starPost, content: "my comment" }));
    ok(await s.as(friend, "mutation", "LikePost", { post: mine })); // someone else's like: not mine
    await s.store.doc(`profiles/${me}`).set({ displayName: me, updatedAt: Timestamp.fromMillis(0) });
    await s.store.doc(`users/${me}/settings/preferences`).set({ theme: "dark" });
    await s.store.doc(`users/${me}/drafts/d1`).set({ content: "unfinished" });
    await s.store.doc(`users/${friend}/drafts/d1`).set({ content: "not yours" });
    return { me, friend, star, shy, fan, troll, bore, starPost, mine };
  };

  const exportOf = (uid: string, data: unknown = {}) =>
    s.fns.exportMyData.run(signedIn(uid, data)) as Promise<unknown>;
  const strip = (id: string) => id.replaceAll("-", "");

  it("exports exactly the caller's data, every section, as one archive its schema accepts", async () => {
    const w = await world();
    const archive = AccountArchive.parse(await exportOf(w.me));
    expect(archive).toMatchObject({
      format: "rookery-account-export/1",
      uid: w.me,
      account: { uid: w.me, bio: "hello there", isPrivate: true, followerCount: 1, followingCount: 1 },
      profile: { displayName: w.me, updatedAt: "1970-01-01T00:00:00.000Z" },
      settings: [{ id: "preferences", data: { theme: "dark" } }],
      drafts: [{ id: "d1", data: { content: "unfinished" } }],
    });
    const uids = (rows: { uid: string }[]) => rows.map((r) => r.uid);
    expect(uids(archive.following)).toEqual([w.star]);
    expect(uids(archive.followers)).toEqual([w.friend]);
    expect(uids(archive.followRequestsSent)).toEqual([w.shy]);
    expect(uids(archive.followRequestsReceived)).toEqual([w.fan]);
    expect(uids(archive.blocks)).toEqual([w.troll]);
    expect(uids(archive.mutes)).toEqual([w.bore]);
    expect(archive.likes.map((l) => l.postId)).toEqual([strip(w.starPost)]);
    expect(archive.bookmarks.map((b) => b.postId)).toEqual([strip(w.starPost)]);
    expect(archive.posts.map((p) => [p.kind, p.content, p.visibility]).sort()).toEqual([
      ["POST", "my post", "FOLLOWERS"],
      ["REPLY", "my reply", "PUBLIC"],
    ]);
    expect(archive.comments.map((c) => c.content)).toEqual(["my comment"]);
  });

  it("exports an account that has nothing yet: empty sections, no profile", async () => {
    const archive = AccountArchive.parse(await exportOf(`nobody${++n}`, null));
    expect(archive).toMatchObject({ account: null, profile: null, settings: [], drafts: [], posts: [] });
  });

  it("refuses to export for a caller who is not signed in, or with arguments", async () => {
    const w = await world();
    expect(
      await failure(s.fns.exportMyData.run({ data: {}, rawRequest: {} } as never) as Promise<unknown>),
    ).toMatchObject({ code: "unauthenticated" });
    for (const data of [{ uid: w.friend }, "all", [1]])
      expect(await failure(exportOf(w.me, data)), JSON.stringify(data)).toMatchObject({
        code: "invalid-argument",
      });
  });

  it("refuses to delete an account without a signed-in caller, an explicit confirmation or a recent sign-in, changing nothing", async () => {
    const w = await world();
    const before = await exportOf(w.me);
    const run = (request: unknown) => s.fns.deleteMyAccount.run(request as never) as Promise<unknown>;
    expect(await failure(run({ data: { confirm: true }, rawRequest: {} }))).toMatchObject({
      code: "unauthenticated",
    });
    for (const data of [
      undefined,
      {},
      { confirm: "true" },
      { confirm: false },
      { confirm: true, uid: w.friend },
    ])
      expect(await failure(run(signedIn(w.me, data))), JSON.stringify(data)).toMatchObject({
        code: "invalid-argument",
      });
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
    expect(await failure(run(signedIn(w.me, { confirm: true }, anHourAgo)))).toMatchObject({
      code: "failed-precondition",
      message: expect.stringMatching(/sign in again/),
    });
    expect({ ...((await exportOf(w.me)) as object), exportedAt: 0 }).toEqual({
      ...(before as object),
      exportedAt: 0,
    });
  });
});
