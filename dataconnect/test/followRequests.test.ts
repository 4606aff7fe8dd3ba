// Private accounts and follow requests (the contract in dataconnect/README.md), on PGlite and on a
// PostgreSQL server: what Follow answers, the owner's list, approve / decline / cancel, switching to
// public, blocks, who sees a private account's posts and follow lists, and the races between them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedPage } from "../client/feed.ts";
import { FIRST_FOLLOW_PAGE, followPage } from "../client/users.ts";
import { counterDrift } from "./support/counters.ts";
import { BACKENDS, type Backend, ok, type Social, social } from "./support.ts";

const NEWEST = { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" };

/** A social service for one suite, and new accounts per test (`private:name` ones have isPrivate set). */
function fixture(backend: Backend) {
  const f = { s: undefined as unknown as Social, n: 0 };
  beforeAll(async () => {
    f.s = await social({ backend });
  });
  afterAll(() => f.s.close());
  const accounts = async (...names: string[]) => {
    const uids = names.map((name) => `${name.replace(/^private:/, "")}${++f.n}`);
    await f.s.users(...uids);
    for (const [i, name] of names.entries())
      if (name.startsWith("private:")) ok(await f.s.mutate(uids[i]!, "UpdateMyProfile", { isPrivate: true }));
    return uids;
  };
  const follows = async (follower: string, followee: string) =>
    (
      await f.s.db.query(`SELECT 1 FROM follow WHERE follower_uid = $1 AND followee_uid = $2`, [
        follower,
        followee,
      ])
    ).length === 1;
  return { f, accounts, follows };
}

describe.each(BACKENDS)("private accounts and follow requests (%s)", (backend) => {
  const { f, accounts, follows } = fixture(backend);
  let s: Social;
  beforeAll(() => {
    s = f.s;
  });
  const counts = async (uid: string) => {
    const [row] = await s.db.query<{ followers: number; following: number }>(
      `SELECT follower_count AS followers, following_count AS following FROM "user" WHERE uid = $1`,
      [uid],
    );
    return row!;
  };
  const requestsOf = async (uid: string, limit = 20, page = FIRST_FOLLOW_PAGE as object) =>
    followPage(
      ok<{ requests: unknown }>(await s.query(uid, "FollowRequests", { ...page, limit })).requests,
      limit,
    );
  const messages = (res: { errors?: { message: string }[] }) => (res.errors ?? []).map((e) => e.message);

  it("follows a public account at once: followed 1, requested 0, counters moved", async () => {
    const [ann, bob] = await accounts("ann", "bob");
    expect(ok(await s.mutate(bob!, "Follow", { uid: ann }))).toEqual({ followed: 1, requested: 0 });
    expect(await follows(bob!, ann!)).toBe(true);
    expect(await counts(ann!)).toEqual({ followers: 1, following: 0 });
    expect(await counts(bob!)).toEqual({ followers: 0, following: 1 });
  });

  it("asks to follow a private account: requested 1, no follow, no counter moves", async () => {
    const [ann, bob] = await accounts("private:ann", "bob");
    expect(ok(await s.mutate(bob!, "Follow", { uid: ann }))).toEqual({ followed: 0, requested: 1 });
    expect(await follows(bob!, ann!)).toBe(false);
    expect(await counts(ann!)).toEqual({ followers: 0, following: 0 });
    expect(await counts(bob!)).toEqual({ followers: 0, following: 0 });
    expect(ok(await s.query(bob!, "GetProfile", { uid: ann }))).toMatchObject({
      following: null,
      requested: { createdAt: expect.any(String) },
    });
  });

  it("refuses a second request, a follow of an account already followed, and says which", async () => {
    const [ann, bob, cat] = await accounts("private:ann", "bob", "cat");
    ok(await s.mutate(bob!, "Follow", { uid: ann }));
    expect(messages(await s.mutate(bob!, "Follow", { uid: ann }))).toContain(
      "you have asked to follow this account already",
    );
    ok(await s.mutate(bob!, "Follow", { uid: cat }));
    expect(messages(await s.mutate(bob!, "Follow", { uid: cat }))).toContain(
      "you already follow this account",
    );
    expect(messages(await s.mutate(bob!, "Follow", { uid: bob }))).toContain("you cannot follow yourself");
    expect(messages(await s.mutate(bob!, "Follow", { uid: "nobody-at-all" }))).toContain("no such user");
    const [row] = await s.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM follow_request WHERE requester_uid = $1`,
      [bob],
    );
    expect(row!.n).toBe(1);
  });

  it("lists the requests to me, newest first, page by page, and nobody else's", async () => {
    const [owner, ...askers] = await accounts("private:owner", "a", "b", "c", "d", "e");
    for (const asker of askers) ok(await s.mutate(asker, "Follow", { uid: owner }));
    const seen: string[] = [];
    let page = await requestsOf(owner!, 2);
    for (;;) {
      seen.push(...page.items.map((r) => r.uid));
      if (!page.next) break;
      page = await requestsOf(owner!, 2, page.next);
    }
    expect(seen).toEqual([...askers].reverse());
    expect((await requestsOf(askers[0]!)).items).toEqual([]);
  });

  it("approves: the request becomes a follow and both counters move, once", async () => {
    const [ann, bob] = await accounts("private:ann", "bob");
    ok(await s.mutate(bob!, "Follow", { uid: ann }));
    expect(ok(await s.mutate(ann!, "ApproveFollowRequest", { requesterUid: bob }))).toEqual({ approved: 1 });
    expect(await follows(bob!, ann!)).toBe(true);
    expect(await counts(ann!)).toEqual({ followers: 1, following: 0 });
    expect(await counts(bob!)).toEqual({ followers: 0, following: 1 });
    expect(messages(await s.mutate(ann!, "ApproveFollowRequest", { requesterUid: bob }))).toEqual([
      "no such follow request",
    ]);
    expect((await requestsOf(ann!)).items).toEqual([]);
    expect(await counts(ann!)).toEqual({ followers: 1, following: 0 });
  });

  it("declines and cancels: the request goes, nothing else changes, and it may be made again", async () => {
    const [ann, bob, cat] = await accounts("private:ann", "bob", "cat");
    ok(await s.mutate(bob!, "Follow", { uid: ann }));
    ok(await s.mutate(cat!, "Follow", { uid: ann }));
    expect(ok(await s.mutate(ann!, "DeclineFollowRequest", { requesterUid: bob }))).toEqual({
      followRequest_delete: { requesterUid: bob, targetUid: ann },
    });
    expect(ok(await s.mutate(cat!, "CancelFollowRequest", { targetUid: ann }))).toEqual({
      followRequest_delete: { requesterUid: cat, targetUid: ann },
    });
    expect((await requestsOf(ann!)).items).toEqual([]);
    expect(messages(await s.mutate(ann!, "DeclineFollowRequest", { requesterUid: bob }))).toEqual([
      "no such follow request",
    ]);
    expect(messages(await s.mutate(cat!, "CancelFollowRequest", { targetUid: ann }))).toEqual([
      "no such follow request",
    ]);
    expect(ok(await s.mutate(bob!, "Follow", { uid: ann }))).toEqual({ followed: 0, requested: 1 });
    expect(await counts(ann!)).toEqual({ followers: 0, following: 0 });
  });

  it("nobody approves, declines or cancels a request that is not theirs", async () => {
    const [ann, bob, eve] = await accounts("private:ann", "bob", "eve");
    ok(await s.mutate(bob!, "Follow", { uid: ann }));
    for (const res of [
      await s.mutate(eve!, "ApproveFollowRequest", { requesterUid: bob }),
      await s.mutate(eve!, "DeclineFollowRequest", { requesterUid: bob }),
      await s.mutate(eve!, "CancelFollowRequest", { targetUid: ann }),
      await s.mutate(bob!, "ApproveFollowRequest", { requesterUid: bob }),
    ])
      expect(messages(res)).toEqual(["no such follow request"]);
    expect((await requestsOf(ann!)).items.map((r) => r.uid)).toEqual([bob]);
    expect(await follows(bob!, ann!)).toBe(false);
  });

  it("switching to public approves every pending request in the same transaction, and names them", async () => {
    const [ann, ...fans] = await accounts("private:ann", "f1", "f2", "f3");
    for (const fan of fans) ok(await s.mutate(fan, "Follow", { uid: ann }));
    const res = ok<{ approvedFollowers: { uid: string }[]; approvals: number }>(
      await s.mutate(ann!, "UpdateMyProfile", { isPrivate: false }),
    );
    expect(res.approvedFollowers.map((r) => r.uid).sort()).toEqual([...fans].sort());
    expect(res.approvals).toBe(3);
    expect(await counts(ann!)).toEqual({ followers: 3, following: 0 });
    for (const fan of fans) expect(await counts(fan)).toEqual({ followers: 0, following: 1 });
    expect((await requestsOf(ann!)).items).toEqual([]);
    // Staying private (or editing anything else) approves nothing.
    const [bea, fan] = await accounts("private:bea", "fan");
    ok(await s.mutate(fan!, "Follow", { uid: bea }));
    expect(
      ok<{ approvedFollowers: unknown[] }>(await s.mutate(bea!, "UpdateMyProfile", { bio: "still private" }))
        .approvedFollowers,
    ).toEqual([]);
    expect((await requestsOf(bea!)).items).toHaveLength(1);
  });

  it("a block removes follow requests both ways", async () => {
    const [ann, bob, cat] = await accounts("private:ann", "private:bob", "cat");
    ok(await s.mutate(bob!, "Follow", { uid: ann }));
    ok(await s.mutate(ann!, "Follow", { uid: bob }));
    ok(await s.mutate(cat!, "Follow", { uid: ann }));
    ok(await s.mutate(ann!, "Block", { uid: bob }));
    expect((await requestsOf(ann!)).items.map((r) => r.uid)).toEqual([cat]);
    expect((await requestsOf(bob!)).items).toEqual([]);
    expect(messages(await s.mutate(bob!, "Follow", { uid: ann }))).toContain(
      "you cannot follow this account",
    );
  });

  it("hides a private account's posts, even public ones, from everyone but its approved followers", async () => {
    const [ann, fan, asker, stranger] = await accounts("private:ann", "fan", "asker", "stranger");
    ok(await s.mutate(fan!, "Follow", { uid: ann }));
    ok(await s.mutate(ann!, "ApproveFollowRequest", { requesterUid: fan }));
    ok(await s.mutate(asker!, "Follow", { uid: ann }));
    const pub = ok<{ post_insert: { id: string } }>(
      await s.mutate(ann!, "CreatePost", { content: "private but public-flagged #quiet" }),
    ).post_insert.id;
    const friends = ok<{ post_insert: { id: string } }>(
      await s.mutate(ann!, "CreatePost", { content: "followers only #quiet", visibility: "FOLLOWERS" }),
    ).post_insert.id;
    const sees = async (viewer: string) => {
      const author = feedPage(
        ok<{ _select: unknown }>(await s.query(viewer, "AuthorFeed", { uid: ann, ...NEWEST }))._select,
      ).items.map((p) => p.id);
      const home = feedPage(
        ok<{ _select: unknown }>(await s.query(viewer, "HomeFeed", NEWEST))._select,
      ).items.map((p) => p.id);
      const thread = ok<{ post: { id: string } | null }>(
        await s.query(viewer, "PostThread", { id: pub }),
      ).post;
      const search = feedPage(
        ok<{ _select: unknown }>(await s.query(viewer, "SearchPosts", { query: "quiet", ...NEWEST }))._select,
      ).items.map((p) => p.id);
      const tag = feedPage(
        ok<{ _select: unknown }>(await s.query(viewer, "HashtagFeed", { tag: "quiet", ...NEWEST }))._select,
      ).items.map((p) => p.id);
      return { author, home, thread: thread?.id ?? null, search, tag };
    };
    const both = [friends, pub];
    expect(await sees(fan!)).toEqual({ author: both, home: both, thread: pub, search: both, tag: both });
    for (const viewer of [asker!, stranger!])
      expect(await sees(viewer), viewer).toEqual({ author: [], home: [], thread: null, search: [], tag: [] });
    expect(messages(await s.mutate(asker!, "LikePost", { post: pub }))).toEqual(["that post does not exist"]);
    // Approved: the requester sees everything the followers see.
    ok(await s.mutate(ann!, "ApproveFollowRequest", { requesterUid: asker }));
    expect((await sees(asker!)).author).toEqual(both);
  });

  it("a private account's posts cannot be reposted or quoted, even by its followers", async () => {
    const [ann, fan] = await accounts("private:ann", "fan");
    ok(await s.mutate(fan!, "Follow", { uid: ann }));
    ok(await s.mutate(ann!, "ApproveFollowRequest", { requesterUid: fan }));
    const post = ok<{ post_insert: { id: string } }>(await s.mutate(ann!, "CreatePost", { content: "mine" }))
      .post_insert.id;
    expect(messages(await s.mutate(fan!, "Repost", { of: post }))).toContain(
      "that post does not exist or cannot be shared",
    );
    expect(messages(await s.mutate(fan!, "Quote", { of: post, content: "look" }))).toContain(
      "that post does not exist or cannot be shared",
    );
    ok(await s.mutate(ann!, "Repost", { of: post }));
  });

  it("hides a private account's follower and following lists from all but itself and its followers", async () => {
    const [ann, fan, asker, friend] = await accounts("private:ann", "fan", "asker", "friend");
    ok(await s.mutate(fan!, "Follow", { uid: ann }));
    ok(await s.mutate(ann!, "ApproveFollowRequest", { requesterUid: fan }));
    ok(await s.mutate(ann!, "Follow", { uid: friend }));
    ok(await s.mutate(asker!, "Follow", { uid: ann }));
    ok(await s.mutate(asker!, "Follow", { uid: friend }));
    const list = async (viewer: string, op: "Followers" | "Following") =>
      followPage(
        ok<{ follows: unknown }>(await s.query(viewer, op, { uid: ann, ...FIRST_FOLLOW_PAGE })).follows,
      ).items.map((r) => r.uid);
    for (const viewer of [ann!, fan!]) {
      expect(await list(viewer, "Followers"), viewer).toEqual([fan]);
      expect(await list(viewer, "Following"), viewer).toEqual([friend]);
    }
    expect(await list(asker!, "Followers")).toEqual([]);
    expect(await list(asker!, "Following")).toEqual([]);
    // MutualFollowers would tell the asker which of their follows follow ann: also hidden.
    ok(await s.mutate(friend!, "Follow", { uid: ann }));
    ok(await s.mutate(ann!, "ApproveFollowRequest", { requesterUid: friend }));
    const mutual = ok<{ users: unknown[] }>(await s.query(asker!, "MutualFollowers", { uid: ann })).users;
    expect(mutual).toEqual([]);
    // Counts stay public, as on a profile page.
    expect(
      ok<{ user: { followerCount: number } }>(await s.query(asker!, "GetProfile", { uid: ann })).user,
    ).toMatchObject({ followerCount: 2 });
  });

  it("leaves every counter exact after all of the above", async () => {
    expect(await counterDrift(s.db)).toEqual([]);
  });
});

// Races need real connections: the server only.
describe("follow-request races (postgres)", () => {
  const { f, accounts, follows } = fixture("postgres");
  let s: Social;
  beforeAll(() => {
    s = f.s;
  });

  it("follows racing a switch to public never leave a request pending on a public account", async () => {
    for (let round = 0; round < 6; round++) {
      const [owner, ...fans] = await accounts("private:owner", "a", "b", "c", "d", "e", "f", "g", "h");
      const raced = await Promise.all([
        ...fans.map((fan) => s.mutate(fan, "Follow", { uid: owner })),
        (async () => {
          await new Promise((r) => setTimeout(r, round * 2));
          return s.mutate(owner!, "UpdateMyProfile", { isPrivate: false });
        })(),
      ]);
      expect(raced.flatMap((r) => r.errors ?? [])).toEqual([]);
      const [left] = await s.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM follow_request WHERE target_uid = $1`,
        [owner],
      );
      expect(left!.n, `round ${round}`).toBe(0);
      for (const fan of fans) expect(await follows(fan, owner!), `${fan} round ${round}`).toBe(true);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("approve, decline and cancel of one request at once: one wins, counters exact", async () => {
    for (let round = 0; round < 10; round++) {
      const [owner, fan] = await accounts("private:owner", "fan");
      ok(await s.mutate(fan!, "Follow", { uid: owner }));
      const results = await Promise.all([
        s.mutate(owner!, "ApproveFollowRequest", { requesterUid: fan }),
        s.mutate(owner!, "ApproveFollowRequest", { requesterUid: fan }),
        s.mutate(owner!, "DeclineFollowRequest", { requesterUid: fan }),
        s.mutate(fan!, "CancelFollowRequest", { targetUid: owner }),
      ]);
      expect(results.filter((r) => !r.errors?.length)).toHaveLength(1);
    }
    expect(await counterDrift(s.db)).toEqual([]);
    const [both] = await s.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM follow_request r
         WHERE EXISTS (SELECT 1 FROM follow f WHERE f.follower_uid = r.requester_uid AND f.followee_uid = r.target_uid)`,
    );
    expect(both!.n).toBe(0);
  });
});
