// The visibility rule (sql/040_visibility.sql) proven operation by operation. Two halves:
// * statically, every operation of the connector that reads or writes posts, comments, likes or
//   bookmarks goes through one of the rule's functions, or is on a short list of operations that touch
//   only the caller's own rows (or run for the server only) — so a new operation cannot forget it;
// * dynamically, every operation is run by hostile viewers (a stranger, an account the author blocked,
//   an account that blocked the author) against every post they may not see, and against visible posts
//   that refer to hidden ones: no response carries a hidden post's id or text, no write lands.
// On PGlite and on a PostgreSQL server.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kind, parse, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphqlResponse } from "../../packages/dataconnect-emulator/src/engine/types.ts";
import { RequestError } from "../../packages/dataconnect-emulator/src/errors.ts";
import { BACKENDS, compileSocial, ok, type Social, social } from "./support.ts";

const connectorDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../connector");

/** Every operation of the connector, as its source text. */
async function operationSources(): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const file of (await readdir(connectorDir)).filter((f) => f.endsWith(".gql"))) {
    for (const def of parse(await readFile(path.join(connectorDir, file), "utf8")).definitions)
      if (def.kind === Kind.OPERATION_DEFINITION && def.name) sources.set(def.name.value, print(def));
  }
  return sources;
}

// The rule's functions: reading through any of them applies it.
const RULE = /\b(visible_posts|visible_post_hashtags|interactable_post|post_card|visible_comments)\s*\(/;
// Anything that reaches posts or what hangs off them: tables in native SQL, typed root fields.
const TOUCHES_POSTS =
  /\b(post|post_stats|post_hashtag|"like"|like_change|bookmark|comment)\b|\b(post|posts|postStat|like|likes|bookmark|bookmarks|comment|comments)(_\w+)?\s*\(/;
// Operations that touch post rows without the rule, and why that is safe.
const WITHOUT_RULE: Record<string, string> = {
  CreatePost: "writes a new post of the caller's own",
  EditPost: "updates only a live post whose author is the caller (the where clause)",
  DeletePost: "deletes only a live post whose author is the caller (the where clause)",
  DeleteComment: "deletes only a live comment whose author is the caller (the where clause)",
  UnlikePost: "deletes only the caller's own like row and answers a count",
  UnbookmarkPost: "deletes only the caller's own bookmark row and answers a count",
  SettleLikeCounts: "server only (NO_ACCESS)",
  PendingLikeSettlements: "server only (NO_ACCESS)",
  PublishPost: "writes a new post of the caller's own, or answers the caller's post with that key",
  NotificationTargets: "server only (NO_ACCESS)",
  NotificationActorGroups: "server only (NO_ACCESS)",
  NotificationVisibilityGroups: "server only (NO_ACCESS)",
  NotificationDepartingGroups: "server only (NO_ACCESS): account deletion",
  PurgeAccount: "server only (NO_ACCESS): account deletion",
  AccountExportPage: "server only (NO_ACCESS): an account's own rows for its export",
  CounterBatchEnds: "server only (NO_ACCESS): counter reconciliation",
  ReconcileUserCounters: "server only (NO_ACCESS): counter reconciliation",
  ReconcilePostCounters: "server only (NO_ACCESS): counter reconciliation",
};

describe("the visibility rule, statically: every operation that reaches posts applies it", () => {
  let sources: Map<string, string>;
  beforeAll(async () => {
    sources = await operationSources();
  });

  it("reads every operation of the compiled connector", async () => {
    const compiled = (await compileSocial()).connectors.get("social")!;
    expect([...sources.keys()].sort()).toEqual([...compiled.keys()].sort());
  });

  it("finds the rule's functions in every operation that touches posts, or a stated reason", () => {
    const offenders = [...sources]
      .filter(([name, text]) => TOUCHES_POSTS.test(text) && !RULE.test(text) && !WITHOUT_RULE[name])
      .map(([name]) => name);
    expect(offenders).toEqual([]);
  });

  it("keeps the list of exceptions honest: each one touches posts and does not use the rule", () => {
    for (const name of Object.keys(WITHOUT_RULE)) {
      const text = sources.get(name);
      expect(text, name).toBeDefined();
      expect(TOUCHES_POSTS.test(text!), name).toBe(true);
      expect(RULE.test(text!), name).toBe(false);
    }
  });

  it("recognises an operation that forgets the rule", () => {
    const forgetful = print(
      parse(`query Leak($id: UUID!) @auth(level: USER) { post(id: $id) { content } }
             query NativeLeak @auth(level: USER) { _select(sql: "SELECT content FROM post") }`),
    );
    expect(TOUCHES_POSTS.test(forgetful) && !RULE.test(forgetful)).toBe(true);
  });
});

const START = { afterTime: "1970-01-01T00:00:00Z", afterId: "00000000-0000-0000-0000-000000000000" };
const NEWEST = { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" };

describe.each(BACKENDS)("the visibility rule, operation by operation (%s)", (backend) => {
  let s: Social;
  // ann writes; fan follows ann; stranger follows nobody of ann's; ann blocked `blocked`; `blocking`
  // blocked ann. Every viewer follows fan, whose posts refer to ann's.
  const VIEWERS = ["stranger", "blocked", "blocking"] as const;
  type Viewer = (typeof VIEWERS)[number];
  const ids: Record<string, string> = {};
  let annComment = "";
  const hidden: Record<Viewer, string[]> = { stranger: [], blocked: [], blocking: [] };

  const insertPost = async (
    author: string,
    content: string,
    extra: { visibility?: string; reply?: string; quote?: string; repost?: string; deleted?: boolean } = {},
  ) => {
    const [row] = await s.db.query<{ id: string }>(
      `INSERT INTO post (author_uid, content, visibility, reply_to_id, quote_of_id, repost_of_id, deleted_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END) RETURNING replace(id::text, '-', '') AS id`,
      [
        author,
        content,
        extra.visibility ?? "PUBLIC",
        extra.reply ?? null,
        extra.quote ?? null,
        extra.repost ?? null,
        extra.deleted ?? false,
      ],
    );
    await s.db.query(`INSERT INTO post_stats (post_id) VALUES ($1)`, [row!.id]);
    return row!.id;
  };

  beforeAll(async () => {
    s = await social({ backend });
    await s.users("ann", "fan", ...VIEWERS);
    ok(await s.mutate("ann", "UpdateMyProfile", { username: "ann" }));
    ok(await s.mutate("fan", "Follow", { uid: "ann" }));
    for (const v of VIEWERS) ok(await s.mutate(v, "Follow", { uid: "fan" }));
    ids.pub = ok<{ post_insert: { id: string } }>(
      await s.mutate("ann", "CreatePost", { content: "SECRET-pub from ann #leak" }),
    ).post_insert.id;
    ids.friends = ok<{ post_insert: { id: string } }>(
      await s.mutate("ann", "CreatePost", { content: "SECRET-friends only #leak", visibility: "FOLLOWERS" }),
    ).post_insert.id;
    ids.gone = ok<{ post_insert: { id: string } }>(
      await s.mutate("ann", "CreatePost", { content: "SECRET-gone soon #leak" }),
    ).post_insert.id;
    // fan's posts, visible to every viewer, referring to ann's (made before the blocks, through the API).
    ids.fanReply = ok<{ post_insert: { id: string } }>(
      await s.mutate("fan", "Reply", { to: ids.pub, content: "fan replies" }),
    ).post_insert.id;
    ids.fanQuote = ok<{ post_insert: { id: string } }>(
      await s.mutate("fan", "Quote", { of: ids.pub, content: "fan quotes" }),
    ).post_insert.id;
    ids.fanRepost = ok<{ post_insert: { id: string } }>(
      await s.mutate("fan", "Repost", { of: ids.pub }),
    ).post_insert.id;
    ids.fanPost = ok<{ post_insert: { id: string } }>(
      await s.mutate("fan", "CreatePost", { content: "fan's own" }),
    ).post_insert.id;
    annComment = ok<{ comment_insert: { id: string } }>(
      await s.mutate("ann", "AddComment", { post: ids.fanPost, content: "SECRET-comment by ann" }),
    ).comment_insert.id;
    // Data from before the rule: public replies and quotes of a followers-only post, by a follower.
    ids.legacyReply = await insertPost("fan", "fan's old public reply", { reply: ids.friends });
    ids.legacyQuote = await insertPost("fan", "fan's old public quote", { quote: ids.friends });
    // Every viewer liked and bookmarked ann's posts before they became invisible to them.
    for (const v of VIEWERS)
      for (const post of [ids.pub, ids.friends, ids.gone]) {
        await s.db.query(`INSERT INTO "like" (user_uid, post_id) VALUES ($1, $2)`, [v, post]);
        await s.db.query(`INSERT INTO bookmark (user_uid, post_id) VALUES ($1, $2)`, [v, post]);
      }
    ok(await s.mutate("ann", "DeletePost", { id: ids.gone! }));
    ok(await s.mutate("ann", "Block", { uid: "blocked" }));
    ok(await s.mutate("blocking", "Block", { uid: "ann" }));
    hidden.stranger = [ids.friends!, ids.gone!];
    hidden.blocked = [ids.pub!, ids.friends!, ids.gone!];
    hidden.blocking = [ids.pub!, ids.friends!, ids.gone!];
  });
  afterAll(() => s.close());

  /** Fails if `response` carries any id or text of what `viewer` may not see. */
  const expectNoLeak = (viewer: Viewer, response: unknown, label: string) => {
    const text = JSON.stringify(response);
    expect(text, label).not.toContain("SECRET-friends");
    expect(text, label).not.toContain("SECRET-gone");
    for (const id of hidden[viewer]) {
      expect(text, `${label}: ${id}`).not.toContain(id);
      expect(text, `${label}: ${id}`).not.toContain(dashed(id));
    }
    if (viewer !== "stranger") {
      expect(text, label).not.toContain("SECRET-pub");
      expect(text, label).not.toContain("SECRET-comment");
      expect(text, label).not.toContain(annComment);
    }
  };
  const dashed = (hex: string) =>
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

  /** Counts of every row an interaction could write. */
  const footprint = () =>
    s.db.query(`SELECT (SELECT count(*)::int FROM post) AS posts, (SELECT count(*)::int FROM "like") AS likes,
      (SELECT count(*)::int FROM bookmark) AS bookmarks, (SELECT count(*)::int FROM comment) AS comments,
      (SELECT count(*)::int FROM like_change) AS changes,
      (SELECT sum(like_count + comment_count + share_count + reply_count)::int FROM post_stats) AS counters`);

  const run = async (viewer: string, name: string, variables: Record<string, unknown>) => {
    const kind = operations.get(name)!.kind;
    return (kind === "query" ? s.query : s.mutate)(viewer, name, variables).catch(
      (e: unknown): GraphqlResponse => {
        if (e instanceof RequestError) return { data: null, errors: [{ message: e.message }] };
        throw e;
      },
    );
  };
  let operations: ReadonlyMap<string, { kind: "query" | "mutation" }>;

  /** Runs a read and checks that nothing hidden comes back. */
  const read = async (viewer: Viewer, name: string, variables: Record<string, unknown>) => {
    const res = await run(viewer, name, variables);
    expect(res.errors ?? [], `${viewer} ${name}`).toEqual([]);
    expectNoLeak(viewer, res, `${viewer} ${name} ${JSON.stringify(variables)}`);
    return res;
  };
  /** Runs an interaction that must be refused, and checks that nothing was written or revealed. */
  const refused = async (viewer: Viewer, name: string, variables: Record<string, unknown>) => {
    const before = await footprint();
    const res = await run(viewer, name, variables);
    const label = `${viewer} ${name} ${JSON.stringify(variables)}`;
    expect(res.errors?.length ?? 0, label).toBeGreaterThan(0);
    expectNoLeak(viewer, res, label);
    expect(await footprint(), label).toEqual(before);
  };
  /** What refusals say must not tell a hidden post from one that never existed. */
  const sameAnswerAsNothing = async (viewer: Viewer, name: string, variables: (id: string) => object) => {
    const messages = (res: GraphqlResponse) => (res.errors ?? []).map((e) => e.message).sort();
    const ghost = await run(viewer, name, variables("00000000-0000-4000-8000-000000000000") as never);
    for (const id of hidden[viewer])
      expect(messages(await run(viewer, name, variables(id) as never)), `${viewer} ${name}`).toEqual(
        messages(ghost),
      );
  };

  // One probe per operation of the connector: how a hostile viewer tries it.
  const PROBES: Record<string, (v: Viewer) => Promise<void>> = {
    HomeFeed: async (v) => void (await read(v, "HomeFeed", { ...NEWEST, limit: 50 })),
    GlobalFeed: async (v) => void (await read(v, "GlobalFeed", { ...NEWEST, limit: 50 })),
    AuthorFeed: async (v) => {
      for (const uid of ["ann", "fan"]) await read(v, "AuthorFeed", { uid, ...NEWEST, limit: 50 });
    },
    PostThread: async (v) => {
      for (const id of hidden[v])
        expect(ok<{ post: unknown }>(await read(v, "PostThread", { id })).post, id).toBeNull();
      for (const id of Object.values(ids)) await read(v, "PostThread", { id });
    },
    PostReplies: async (v) => {
      for (const id of hidden[v])
        expect(
          ok<{ _select: unknown[] }>(await read(v, "PostReplies", { post: id, ...START }))._select,
        ).toEqual([]);
      for (const id of Object.values(ids)) await read(v, "PostReplies", { post: id, ...START });
    },
    PostComments: async (v) => {
      for (const id of Object.values(ids)) await read(v, "PostComments", { post: id, ...START });
      await read(v, "PostComments", { post: ids.fanPost, parent: annComment, ...START });
    },
    MyBookmarks: async (v) => {
      const rows = ok<{ bookmarks: unknown[] }>(
        await read(v, "MyBookmarks", { ...NEWEST, limit: 50 }),
      ).bookmarks;
      expect(rows.length, v).toBe(v === "stranger" ? 1 : 0); // the stranger still sees ann's public post
    },
    MyLikesOnPosts: async (v) =>
      void (await read(v, "MyLikesOnPosts", { posts: [ids.pub, ids.friends, ids.gone] })),
    Reply: async (v) => {
      for (const id of hidden[v]) await refused(v, "Reply", { to: id, content: "hello" });
      await sameAnswerAsNothing(v, "Reply", (to) => ({ to, content: "hello" }));
    },
    Repost: async (v) => {
      for (const id of hidden[v]) await refused(v, "Repost", { of: id });
      await sameAnswerAsNothing(v, "Repost", (of) => ({ of }));
    },
    Quote: async (v) => {
      for (const id of hidden[v]) await refused(v, "Quote", { of: id, content: "look" });
      await sameAnswerAsNothing(v, "Quote", (of) => ({ of, content: "look" }));
    },
    LikePost: async (v) => {
      // The viewer's earlier likes are in the way of a second one: take them back first.
      for (const id of hidden[v])
        await s.db.query(`DELETE FROM "like" WHERE user_uid = $1 AND post_id = $2`, [v, id]);
      for (const id of hidden[v]) await refused(v, "LikePost", { post: id });
      await sameAnswerAsNothing(v, "LikePost", (post) => ({ post }));
    },
    BookmarkPost: async (v) => {
      for (const id of hidden[v]) await refused(v, "BookmarkPost", { post: id });
      await sameAnswerAsNothing(v, "BookmarkPost", (post) => ({ post }));
    },
    AddComment: async (v) => {
      for (const id of hidden[v]) await refused(v, "AddComment", { post: id, content: "hi" });
      await sameAnswerAsNothing(v, "AddComment", (post) => ({ post, content: "hi" }));
      if (v !== "stranger")
        await refused(v, "AddComment", { post: ids.fanPost, content: "answer", parent: annComment });
    },
    EditPost: async (v) => {
      for (const id of hidden[v]) await refused(v, "EditPost", { id, content: "pwned" });
      await sameAnswerAsNothing(v, "EditPost", (id) => ({ id, content: "pwned" }));
    },
    DeletePost: async (v) => {
      for (const id of hidden[v]) await refused(v, "DeletePost", { id });
      await sameAnswerAsNothing(v, "DeletePost", (id) => ({ id }));
    },
    DeleteComment: async (v) => refused(v, "DeleteComment", { id: annComment }),
    // Own rows only: the answer is about the caller's row, never the post.
    UnlikePost: async (v) => {
      for (const id of hidden[v]) expectNoLeak(v, await run(v, "UnlikePost", { post: id }), "UnlikePost");
    },
    UnbookmarkPost: async (v) => {
      for (const id of [ids.friends!, ids.gone!])
        expectNoLeak(v, await run(v, "UnbookmarkPost", { post: id }), "UnbookmarkPost");
    },
    // Server only: refused to every signed-in user.
    SettleLikeCounts: async (v) => refused(v, "SettleLikeCounts", { posts: hidden[v] }),
    PendingLikeSettlements: async (v) => {
      expect((await run(v, "PendingLikeSettlements", {})).errors?.length).toBeGreaterThan(0);
    },
    MirrorAuthUser: async (v) =>
      refused(v, "MirrorAuthUser", { uid: "x", displayName: "x", username: "xyz" }),
    SyncProfileFromFirestore: async (v) =>
      refused(v, "SyncProfileFromFirestore", {
        uid: "ann",
        displayName: "pwned",
        version: "2999-01-01T00:00:00Z",
        fallbackDisplayName: "x",
      }),
    NotificationGroupStates: async (v) => {
      const kinds = ["like", "reply", "repost", "quote", "comment", "mention"];
      const res = await run(v, "NotificationGroupStates", {
        recipient: "ann",
        kinds: kinds.flatMap((k) => hidden[v].map(() => k)),
        posts: kinds.flatMap(() => hidden[v]),
      });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoLeak(v, res, "NotificationGroupStates");
    },
    NotificationTargets: async (v) => {
      const res = await run(v, "NotificationTargets", { posts: hidden[v], comments: [annComment] });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoLeak(v, res, "NotificationTargets");
    },
    NotificationActorGroups: async (v) => {
      const res = await run(v, "NotificationActorGroups", {
        recipient: v,
        actor: "ann",
        afterKind: "",
        afterPost: "00000000-0000-0000-0000-000000000000",
      });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoLeak(v, res, "NotificationActorGroups");
    },
    NotificationVisibilityGroups: async (v) => {
      const res = await run(v, "NotificationVisibilityGroups", {
        actor: "ann",
        afterRecipient: "",
        afterKind: "",
        afterPost: "00000000-0000-0000-0000-000000000000",
      });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoLeak(v, res, "NotificationVisibilityGroups");
    },
    NotificationDepartingGroups: async (v) => {
      const res = await run(v, "NotificationDepartingGroups", {
        actor: "ann",
        afterRecipient: "",
        afterKind: "",
        afterPost: "00000000-0000-0000-0000-000000000000",
      });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoLeak(v, res, "NotificationDepartingGroups");
    },
    // Own posts only: a key answers the caller's post with that key, never someone else's.
    PublishPost: async (v) =>
      void expectNoLeak(
        v,
        await run(v, "PublishPost", { key: "d:0123456789abcdef", content: "mine" }),
        "PublishPost",
      ),
    MyPostFromDraft: async (v) => void (await read(v, "MyPostFromDraft", { draftId: "d" })),
    AccountUsername: async (v) => {
      expect((await run(v, "AccountUsername", { uid: "ann" })).errors?.length).toBeGreaterThan(0);
    },
    PurgeAccount: async (v) => refused(v, "PurgeAccount", { uid: "ann", final: true }),
    AccountExportPage: async (v) => {
      const res = await run(v, "AccountExportPage", { uid: "ann", section: "posts" });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoLeak(v, res, "AccountExportPage");
    },
    AccountExportProfile: async (v) => {
      expect((await run(v, "AccountExportProfile", { uid: "ann" })).errors?.length).toBeGreaterThan(0);
    },
    CounterBatchEnds: async (v) => {
      const res = await run(v, "CounterBatchEnds", { afterUid: "", afterPost: START.afterId });
      expect(res.errors?.length).toBeGreaterThan(0);
      expectNoLeak(v, res, "CounterBatchEnds");
    },
    ReconcileUserCounters: async (v) =>
      refused(v, "ReconcileUserCounters", { afterUid: "", throughUid: "zzzz" }),
    ReconcilePostCounters: async (v) =>
      refused(v, "ReconcilePostCounters", { afterPost: START.afterId, throughPost: NEWEST.beforeId }),
    // Search reads posts through the rule: hidden posts match nothing, not even their hashtag.
    SearchPosts: async (v) => {
      for (const query of ["secret", "SECRET-friends", "gone soon", "leak", "ann"])
        await read(v, "SearchPosts", { query, ...NEWEST, limit: 50 });
    },
    HashtagFeed: async (v) => {
      const rows = ok<{ _select: unknown[] }>(
        await read(v, "HashtagFeed", { tag: "#leak", ...NEWEST, limit: 50 }),
      )._select;
      expect(rows.length, v).toBe(v === "stranger" ? 1 : 0); // ann's public post, for the stranger only
    },
    TrendingHashtags: async (v) => {
      const tags = ok<{ tags: { tag: string; posts: number }[] }>(
        await read(v, "TrendingHashtags", { limit: 50 }),
      ).tags;
      expect(tags.find((t) => t.tag === "leak")?.posts ?? 0, v).toBe(v === "stranger" ? 1 : 0);
    },
    SearchUsers: async (v) => void (await read(v, "SearchUsers", { query: "a" })),
    UserByUsername: async (v) => void (await read(v, "UserByUsername", { username: "ann" })),
    // Follow requests: accounts only, never a post.
    FollowRequests: async (v) => void (await read(v, "FollowRequests", { beforeTime: NEWEST.beforeTime })),
    ApproveFollowRequest: async (v) =>
      void expectNoLeak(v, await run(v, "ApproveFollowRequest", { requesterUid: "ann" }), "Approve"),
    DeclineFollowRequest: async (v) =>
      void expectNoLeak(v, await run(v, "DeclineFollowRequest", { requesterUid: "ann" }), "Decline"),
    CancelFollowRequest: async (v) =>
      void expectNoLeak(v, await run(v, "CancelFollowRequest", { targetUid: "ann" }), "Cancel"),
    // Not about posts: they answer accounts, never a post's id or text.
    CreatePost: async (v) =>
      void expectNoLeak(v, await run(v, "CreatePost", { content: "mine" }), "CreatePost"),
    GetMe: async (v) => void (await read(v, "GetMe", {})),
    GetProfile: async (v) => void (await read(v, "GetProfile", { uid: "ann" })),
    UpsertMe: async (v) => void (await read(v, "UpsertMe", { displayName: v })),
    UpdateMyProfile: async (v) => void (await read(v, "UpdateMyProfile", { bio: "hi" })),
    Follow: async (v) => {
      if (v === "stranger") return;
      await refused(v, "Follow", { uid: "ann" });
    },
    Unfollow: async (v) => void expectNoLeak(v, await run(v, "Unfollow", { uid: "ann" }), "Unfollow"),
    Block: async (v) => void expectNoLeak(v, await run(v, "Block", { uid: "fan" }), "Block"),
    Unblock: async (v) => void expectNoLeak(v, await run(v, "Unblock", { uid: "fan" }), "Unblock"),
    Mute: async (v) => void (await read(v, "Mute", { uid: "fan" })),
    Unmute: async (v) => void (await read(v, "Unmute", { uid: "fan" })),
    Followers: async (v) => void (await read(v, "Followers", { uid: "ann", beforeTime: NEWEST.beforeTime })),
    Following: async (v) => void (await read(v, "Following", { uid: "ann", beforeTime: NEWEST.beforeTime })),
    MutualFollowers: async (v) => void (await read(v, "MutualFollowers", { uid: "ann" })),
    WhoToFollow: async (v) => void (await read(v, "WhoToFollow", {})),
  };

  it("has a probe for every operation of the connector", async () => {
    operations = (await compileSocial()).connectors.get("social")!;
    expect(Object.keys(PROBES).sort()).toEqual([...operations.keys()].sort());
  });

  // Reads first (they must see the fixture as built), then the interactions, then the rest.
  const ORDER = (name: string) =>
    ["Block", "Unblock", "Mute", "Unmute", "Unfollow", "Follow"].includes(name)
      ? 2
      : name.startsWith("Un")
        ? 1
        : 0;
  for (const viewer of ["stranger", "blocked", "blocking"] as const) {
    it(`leaks nothing to ${viewer === "stranger" ? "a stranger" : viewer === "blocked" ? "an account the author blocked" : "an account that blocked the author"} through any operation`, async () => {
      operations ??= (await compileSocial()).connectors.get("social")!;
      const names = Object.keys(PROBES).sort((a, b) => ORDER(a) - ORDER(b));
      for (const name of names) await PROBES[name]!(viewer);
    });
  }

  it("still shows the visible posts that refer to hidden ones, without naming them", async () => {
    const card = async (viewer: string, id: string) =>
      ok<{ post: Record<string, unknown> | null }>(await run(viewer, "PostThread", { id })).post;
    expect(await card("stranger", ids.legacyReply!)).toMatchObject({ kind: "REPLY", replyToId: null });
    expect(await card("stranger", ids.legacyQuote!)).toMatchObject({
      kind: "QUOTE",
      quoteOfId: null,
      embed: null,
    });
    expect(await card("stranger", ids.fanQuote!)).toMatchObject({
      quoteOfId: ids.pub,
      embed: { id: ids.pub },
    });
    expect(await card("blocked", ids.fanQuote!)).toMatchObject({
      kind: "QUOTE",
      quoteOfId: null,
      embed: null,
    });
    expect(await card("blocked", ids.fanRepost!)).toMatchObject({
      kind: "REPOST",
      repostOfId: null,
      embed: null,
    });
    expect(await card("fan", ids.legacyReply!)).toMatchObject({ replyToId: ids.friends });
  });
});
