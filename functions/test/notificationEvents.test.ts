import { describe, expect, it } from "vitest";
import { HANDLERS, type SocialMutation, touchesOf } from "../src/notifications/events.ts";
import { groupKeys, type Lookups, type PostTarget } from "../src/notifications/targets.ts";

const P = "0123456789abcdef0123456789abcdef";
const Q = "fedcba9876543210fedcba9876543210";
const event = (operation: string, fields: Partial<SocialMutation> = {}): SocialMutation => ({
  operation,
  caller: "ann",
  variables: {},
  data: {},
  errors: [],
  ...fields,
});

describe("touchesOf: the handler table", () => {
  it("names the liked post for likes and unlikes", () => {
    for (const op of ["LikePost", "UnlikePost"])
      expect(touchesOf(event(op, { variables: { post: P } }))).toEqual([
        { type: "post", kind: "like", post: P },
      ]);
  });

  it("reads post ids with dashes or in capitals as Data Connect's 32 hex digits", () => {
    const dashed = "01234567-89AB-CDEF-0123-456789ABCDEF";
    expect(touchesOf(event("LikePost", { variables: { post: dashed } }))).toEqual([
      { type: "post", kind: "like", post: P },
    ]);
  });

  it("treats a new post, reply, repost, quote or published draft as a source of notifications", () => {
    for (const op of ["CreatePost", "Reply", "Repost", "Quote"])
      expect(touchesOf(event(op, { data: { post_insert: { id: P } } }))).toEqual([
        { type: "source", post: P },
      ]);
    expect(touchesOf(event("PublishPost", { data: { post: { id: P, created: false } } }))).toEqual([
      { type: "source", post: P },
    ]);
    expect(touchesOf(event("EditPost", { variables: { id: P } }))).toEqual([{ type: "source", post: P }]);
  });

  it("retracts through deletions of posts and comments", () => {
    expect(touchesOf(event("DeletePost", { variables: { id: P } }))).toEqual([{ type: "deleted", post: P }]);
    expect(touchesOf(event("DeleteComment", { variables: { id: Q } }))).toEqual([
      { type: "comment", comment: Q },
    ]);
    expect(touchesOf(event("AddComment", { variables: { post: P } }))).toEqual([
      { type: "post", kind: "comment", post: P },
    ]);
  });

  it("names the followed account's account groups for follows (or requests) and unfollows", () => {
    for (const op of ["Follow", "Unfollow"])
      expect(touchesOf(event(op, { variables: { uid: "bob" } }))).toContainEqual({
        type: "follows",
        recipient: "bob",
      });
  });

  it("recomputes the follower's groups in which the followed account acts (what they may see changed)", () => {
    for (const op of ["Follow", "Unfollow"])
      expect(touchesOf(event(op, { variables: { uid: "bob" } }))).toContainEqual({
        type: "between",
        recipient: "ann",
        actor: "bob",
      });
  });

  it("names the private account's groups when a request is approved, declined or cancelled", () => {
    expect(touchesOf(event("ApproveFollowRequest", { variables: { requesterUid: "bob" } }))).toEqual([
      { type: "follows", recipient: "ann" },
      { type: "between", recipient: "bob", actor: "ann" },
    ]);
    expect(touchesOf(event("DeclineFollowRequest", { variables: { requesterUid: "bob" } }))).toEqual([
      { type: "follows", recipient: "ann" },
    ]);
    expect(
      touchesOf(event("CancelFollowRequest", { caller: "bob", variables: { targetUid: "ann" } })),
    ).toEqual([{ type: "follows", recipient: "ann" }]);
  });

  it("names the caller's account groups when they switch to public (pending requests are approved)", () => {
    const approved = { approvedFollowers: [{ uid: "bob" }, { uid: "cy" }] };
    expect(touchesOf(event("UpdateMyProfile", { variables: { isPrivate: false }, data: approved }))).toEqual([
      { type: "follows", recipient: "ann" },
      { type: "between", recipient: "bob", actor: "ann" },
      { type: "between", recipient: "cy", actor: "ann" },
      { type: "audience", actor: "ann" },
    ]);
  });

  it("recomputes every group counting the caller's posts when they switch to private, and nothing else", () => {
    expect(touchesOf(event("UpdateMyProfile", { variables: { isPrivate: true } }))).toEqual([
      { type: "audience", actor: "ann" },
    ]);
    for (const variables of [{ bio: "hi" }, { isPrivate: null }, {}])
      expect(touchesOf(event("UpdateMyProfile", { variables }))).toEqual([]);
  });

  it("recomputes both sides of a block and the muter's side of a mute", () => {
    for (const op of ["Block", "Unblock"])
      expect(touchesOf(event(op, { variables: { uid: "bob" } }))).toEqual([
        { type: "between", recipient: "ann", actor: "bob" },
        { type: "between", recipient: "bob", actor: "ann" },
      ]);
    for (const op of ["Mute", "Unmute"])
      expect(touchesOf(event(op, { variables: { uid: "bob" } }))).toEqual([
        { type: "between", recipient: "ann", actor: "bob" },
      ]);
  });

  it("recomputes the groups showing an account that is being deleted (server-only PurgeAccount)", () => {
    expect(touchesOf(event("PurgeAccount", { caller: "", variables: { uid: "bob", final: true } }))).toEqual([
      { type: "departed", actor: "bob" },
    ]);
  });

  it("touches nothing for a failed mutation (every handled operation is atomic)", () => {
    expect(touchesOf(event("LikePost", { variables: { post: P }, errors: [{ message: "no" }] }))).toEqual([]);
  });

  it("touches nothing for operations outside the table, or malformed events", () => {
    expect(touchesOf(event("BookmarkPost", { variables: { post: P } }))).toEqual([]);
    expect(touchesOf(event("LikePost", { variables: { post: "../../etc" } }))).toEqual([]);
    expect(touchesOf(event("LikePost", { variables: null }))).toEqual([]);
    expect(touchesOf(event("CreatePost", { data: null }))).toEqual([]);
    expect(touchesOf(event("Block", { caller: "", variables: { uid: "bob" } }))).toEqual([]);
  });

  it("has a handler for every operation that notifies or retracts", () => {
    expect(Object.keys(HANDLERS).sort()).toEqual(
      [
        "AddComment",
        "ApproveFollowRequest",
        "Block",
        "CancelFollowRequest",
        "DeclineFollowRequest",
        "CreatePost",
        "DeleteComment",
        "DeletePost",
        "EditPost",
        "Follow",
        "LikePost",
        "Mute",
        "PublishPost",
        "PurgeAccount",
        "Quote",
        "Reply",
        "Repost",
        "Unblock",
        "UnlikePost",
        "Unfollow",
        "Unmute",
        "UpdateMyProfile",
      ].sort(),
    );
  });
});

describe("groupKeys: touches to groups", () => {
  const post = (fields: Partial<PostTarget>): PostTarget => ({
    post: P,
    author: "ann",
    replyTo: null,
    replyToAuthor: null,
    shareKind: null,
    shared: null,
    sharedAuthor: null,
    mentioned: [],
    ...fields,
  });
  const lookups = (over: Partial<Lookups> = {}): Lookups => ({
    posts: new Map(),
    comments: new Map(),
    mentionGroups: new Map(),
    actorGroups: new Map(),
    audienceGroups: new Map(),
    shownGroups: new Map(),
    ...over,
  });

  it("gives a like group to the liked post's author", () => {
    const keys = groupKeys(
      [{ type: "post", kind: "like", post: P }],
      lookups({ posts: new Map([[P, post({})]]) }),
    );
    expect(keys).toEqual([{ recipient: "ann", kind: "like", post: P }]);
  });

  it("gives a reply the parent's reply group and its mentions their mention groups", () => {
    const reply = post({
      post: Q,
      author: "bob",
      replyTo: P,
      replyToAuthor: "ann",
      mentioned: ["cy", "dee"],
    });
    const keys = groupKeys([{ type: "source", post: Q }], lookups({ posts: new Map([[Q, reply]]) }));
    expect(keys).toEqual([
      { recipient: "ann", kind: "reply", post: P },
      { recipient: "cy", kind: "mention", post: Q },
      { recipient: "dee", kind: "mention", post: Q },
    ]);
  });

  it("also revisits mention groups the text no longer names (an edit removed the mention)", () => {
    const edited = post({ post: Q, mentioned: ["cy"] });
    const keys = groupKeys(
      [{ type: "source", post: Q }],
      lookups({ posts: new Map([[Q, edited]]), mentionGroups: new Map([[Q, ["cy", "eve"]]]) }),
    );
    expect(keys.map((k) => k.recipient)).toEqual(["cy", "eve"]);
  });

  it("retracts every group about a deleted post, and the ones it counted in", () => {
    const quote = post({ post: Q, author: "bob", shareKind: "quote", shared: P, sharedAuthor: "ann" });
    const keys = groupKeys([{ type: "deleted", post: Q }], lookups({ posts: new Map([[Q, quote]]) }));
    expect(keys).toEqual([
      { recipient: "ann", kind: "quote", post: P },
      ...["like", "reply", "repost", "quote", "comment"].map((kind) => ({ recipient: "bob", kind, post: Q })),
    ]);
  });

  it("covers the account groups and the actor's groups for a block or mute, each once", () => {
    const keys = groupKeys(
      [
        { type: "between", recipient: "ann", actor: "bob" },
        { type: "follows", recipient: "ann" },
      ],
      lookups({ actorGroups: new Map([["ann\nbob", [{ kind: "like", post: P }]]]) }),
    );
    expect(keys).toEqual([
      { recipient: "ann", kind: "follow", post: null },
      { recipient: "ann", kind: "follow_request", post: null },
      { recipient: "ann", kind: "like", post: P },
    ]);
  });

  it("names the groups counting an account's posts when who may see them changed", () => {
    const counted = [
      { recipient: "bob", kind: "reply" as const, post: P },
      { recipient: "cy", kind: "mention" as const, post: Q },
    ];
    const keys = groupKeys(
      [{ type: "audience", actor: "ann" }],
      lookups({ audienceGroups: new Map([["ann", counted]]) }),
    );
    expect(keys).toEqual(counted);
  });

  it("names the groups that show a departed account", () => {
    const shown = [
      { recipient: "bob", kind: "like" as const, post: P },
      { recipient: "cy", kind: "follow" as const, post: null },
    ];
    const keys = groupKeys(
      [{ type: "departed", actor: "ann" }],
      lookups({ shownGroups: new Map([["ann", shown]]) }),
    );
    expect(keys).toEqual(shown);
  });

  it("names nothing for posts and comments the database does not know", () => {
    expect(
      groupKeys(
        [
          { type: "post", kind: "like", post: P },
          { type: "comment", comment: Q },
        ],
        lookups(),
      ),
    ).toEqual([]);
  });
});
