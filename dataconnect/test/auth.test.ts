import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestError } from "../../packages/dataconnect-emulator/src/errors.ts";
import { compileSocial, ok, type Social, social } from "./support.ts";

// Sample variables for every operation, so that a refusal can only come from @auth.
const VARIABLES: Record<string, Record<string, unknown>> = {
  GetMe: {},
  GetProfile: { uid: "owner" },
  UpsertMe: { displayName: "x" },
  UpdateMyProfile: { bio: "x" },
  CreatePost: { content: "x" },
  Reply: { to: "00000000-0000-4000-8000-000000000000", content: "x" },
  Repost: { of: "00000000-0000-4000-8000-000000000000" },
  Quote: { of: "00000000-0000-4000-8000-000000000000", content: "x" },
  EditPost: { id: "00000000-0000-4000-8000-000000000000", content: "x" },
  DeletePost: { id: "00000000-0000-4000-8000-000000000000" },
  PostThread: { id: "00000000-0000-4000-8000-000000000000" },
  PostReplies: {
    post: "00000000-0000-4000-8000-000000000000",
    afterTime: "1970-01-01T00:00:00Z",
    afterId: "00000000-0000-0000-0000-000000000000",
  },
  PostComments: {
    post: "00000000-0000-4000-8000-000000000000",
    afterTime: "1970-01-01T00:00:00Z",
    afterId: "00000000-0000-0000-0000-000000000000",
  },
  LikePost: { post: "00000000-0000-4000-8000-000000000000" },
  UnlikePost: { post: "00000000-0000-4000-8000-000000000000" },
  MyLikesOnPosts: { posts: [] },
  BookmarkPost: { post: "00000000-0000-4000-8000-000000000000" },
  UnbookmarkPost: { post: "00000000-0000-4000-8000-000000000000" },
  MyBookmarks: { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" },
  AddComment: { post: "00000000-0000-4000-8000-000000000000", content: "x" },
  DeleteComment: { id: "00000000-0000-4000-8000-000000000000" },
  Follow: { uid: "owner" },
  Unfollow: { uid: "owner" },
  Block: { uid: "owner" },
  Unblock: { uid: "owner" },
  Mute: { uid: "owner" },
  Unmute: { uid: "owner" },
  Followers: { uid: "owner", beforeTime: "9999-12-31T23:59:59Z" },
  Following: { uid: "owner", beforeTime: "9999-12-31T23:59:59Z" },
  MutualFollowers: { uid: "owner" },
  WhoToFollow: {},
  FollowRequests: { beforeTime: "9999-12-31T23:59:59Z" },
  ApproveFollowRequest: { requesterUid: "owner" },
  DeclineFollowRequest: { requesterUid: "owner" },
  CancelFollowRequest: { targetUid: "owner" },
  UserByUsername: { username: "owner" },
  SearchUsers: { query: "ow" },
  SearchPosts: {
    query: "x",
    beforeTime: "9999-12-31T23:59:59Z",
    beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
  },
  HashtagFeed: {
    tag: "x",
    beforeTime: "9999-12-31T23:59:59Z",
    beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
  },
  TrendingHashtags: {},
  MirrorAuthUser: { uid: "victim", displayName: "x", username: "victim" },
  AccountUsername: { uid: "owner" },
  PurgeAccount: { uid: "owner" },
  AccountExportPage: { uid: "owner", section: "posts" },
  AccountExportProfile: { uid: "owner" },
  CounterBatchEnds: { afterUid: "", afterPost: "00000000-0000-0000-0000-000000000000" },
  ReconcileUserCounters: { afterUid: "", throughUid: "zzzz" },
  ReconcilePostCounters: {
    afterPost: "00000000-0000-0000-0000-000000000000",
    throughPost: "ffffffff-ffff-ffff-ffff-ffffffffffff",
  },
  SettleLikeCounts: { posts: [] },
  SyncProfileFromFirestore: {
    uid: "victim",
    displayName: "x",
    version: "2030-01-01T00:00:00Z",
    fallbackDisplayName: "x",
  },
  PendingLikeSettlements: {},
  PublishPost: { key: "d:0123456789abcdef", content: "x" },
  MyPostFromDraft: { draftId: "d" },
  NotificationGroupStates: {
    recipient: "owner",
    kinds: ["like"],
    posts: ["00000000-0000-4000-8000-000000000000"],
  },
  NotificationTargets: { posts: ["00000000-0000-4000-8000-000000000000"], comments: [] },
  NotificationVisibilityGroups: {
    actor: "victim",
    afterRecipient: "",
    afterKind: "",
    afterPost: "00000000-0000-0000-0000-000000000000",
  },
  NotificationDepartingGroups: {
    actor: "victim",
    afterRecipient: "",
    afterKind: "",
    afterPost: "00000000-0000-0000-0000-000000000000",
  },
  NotificationActorGroups: {
    recipient: "owner",
    actor: "victim",
    afterKind: "",
    afterPost: "00000000-0000-0000-0000-000000000000",
  },
  HomeFeed: { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" },
  GlobalFeed: { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" },
  AuthorFeed: {
    uid: "owner",
    beforeTime: "9999-12-31T23:59:59Z",
    beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
  },
};

describe("@auth on every social operation", () => {
  let s: Social;
  let operations: ReadonlyMap<string, { kind: "query" | "mutation" }>;

  beforeAll(async () => {
    s = await social();
    await s.users("owner", "intruder");
    // Every operation of the connector, from the compiled project.
    operations = (await compileSocial()).connectors.get("social")!;
  });
  afterAll(() => s.close());

  it("covers every operation of the connector in this suite", () => {
    expect([...operations.keys()].sort()).toEqual(Object.keys(VARIABLES).sort());
  });

  // Server-only operations: firebase-admin runs them; no end user may.
  const SERVER_ONLY = [
    "MirrorAuthUser",
    "AccountUsername",
    "SettleLikeCounts",
    "SyncProfileFromFirestore",
    "PendingLikeSettlements",
    "NotificationGroupStates",
    "NotificationTargets",
    "NotificationActorGroups",
    "NotificationVisibilityGroups",
    "NotificationDepartingGroups",
    "PurgeAccount",
    "AccountExportPage",
    "AccountExportProfile",
    "CounterBatchEnds",
    "ReconcileUserCounters",
    "ReconcilePostCounters",
  ];

  it("requires a signed-in, non-anonymous user for every client operation, and nobody for server ones", () => {
    for (const [name, op] of operations) {
      expect(op, name).toMatchObject({ auth: { level: SERVER_ONLY.includes(name) ? "NO_ACCESS" : "USER" } });
    }
  });

  it("refuses server-only operations to every signed-in user", async () => {
    for (const name of SERVER_ONLY) {
      const run = operations.get(name)!.kind === "query" ? s.query : s.mutate;
      const error = await run("intruder", name, VARIABLES[name]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as RequestError).status, name).toBe("PERMISSION_DENIED");
    }
  });

  it("refuses every operation to a signed-out client before running it", async () => {
    for (const [name, op] of operations) {
      const run = op.kind === "query" ? s.query : s.mutate;
      const error = await run(null, name, VARIABLES[name]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(RequestError);
      expect((error as RequestError).status, name).toBe(
        SERVER_ONLY.includes(name) ? "PERMISSION_DENIED" : "UNAUTHENTICATED",
      );
    }
  });

  it("refuses every operation to an anonymous account", async () => {
    for (const [name, op] of operations) {
      const error = await s.service
        .executeConnector({
          connector: "social",
          operationName: name,
          variables: VARIABLES[name]!,
          kind: op.kind,
          caller: {
            kind: "user",
            auth: { uid: "anon", token: { sub: "anon", firebase: { sign_in_provider: "anonymous" } } },
          },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((error as RequestError | undefined)?.status, name).toBe(
        SERVER_ONLY.includes(name) ? "PERMISSION_DENIED" : "UNAUTHENTICATED",
      );
    }
  });

  it("an intruder cannot act on the owner's rows: edits, deletes, unlikes and unfollows touch only the caller's", async () => {
    const { post_insert } = ok<{ post_insert: { id: string } }>(
      await s.mutate("owner", "CreatePost", { content: "mine" }),
    );
    ok(await s.mutate("owner", "LikePost", { post: post_insert.id }));
    ok(await s.mutate("owner", "BookmarkPost", { post: post_insert.id }));
    expect(
      (await s.mutate("intruder", "EditPost", { id: post_insert.id, content: "pwned" })).errors?.map(
        (e) => e.message,
      ),
    ).toContain("you have no such post");
    expect((await s.mutate("intruder", "DeletePost", { id: post_insert.id })).errors?.[0]?.message).toBe(
      "you have no such post",
    );
    expect(ok(await s.mutate("intruder", "UnlikePost", { post: post_insert.id }))).toEqual({ unliked: 0 });
    expect(ok(await s.mutate("intruder", "UnbookmarkPost", { post: post_insert.id }))).toEqual({
      unbookmarked: 0,
    });
    const [row] = await s.db.query(
      `SELECT content, (SELECT count(*)::int FROM "like") AS likes, (SELECT count(*)::int FROM bookmark) AS bookmarks FROM post`,
    );
    expect(row).toEqual({ content: "mine", likes: 1, bookmarks: 1 });
  });

  it("an intruder cannot write someone else's row through extra variables: identity comes from auth.uid only", async () => {
    await s.service.executeConnector({
      connector: "social",
      operationName: "UpdateMyProfile",
      variables: { bio: "x", uid_expr: "'owner'" },
      kind: "mutation",
      caller: {
        kind: "user",
        auth: { uid: "intruder", token: { sub: "intruder", firebase: { sign_in_provider: "password" } } },
      },
    });
    expect(await s.db.query(`SELECT uid, bio FROM "user" ORDER BY uid`)).toEqual([
      { uid: "intruder", bio: "x" },
      { uid: "owner", bio: null },
    ]);
  });
});
