// The notification pipeline against our engines in process: real mutations through Data Connect
// (as signed-in users), their real mutation events, delivered to the pipeline by the test (so it can
// redeliver and reorder them), and the Firestore documents users would listen to.
import { FieldValue } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { describeGroup, NotificationGroup } from "../../firestore/client/notifications.ts";
import type { MutationExecutedEvent } from "../../packages/dataconnect-emulator/src/index.ts";
import { deleteAccountData } from "../src/account/deleteAccount.ts";
import { recordDepartingGroups } from "../src/account/departingNotifications.ts";
import { purgeAccountData } from "../src/account/purge.ts";
import { type Notifier, notifier } from "../src/notifications/notifier.ts";
import { groupsActedIn } from "../src/notifications/reconcile.ts";
import { type SocialStack, socialMutation, startSocialStack } from "./support/socialStack.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let s: SocialStack;
let pipeline: Notifier;
let emitted = 0;

beforeAll(async () => {
  s = await startSocialStack({ name: "notify" });
  pipeline = notifier({ dataConnect: () => s.dataConnect, firestore: () => s.firestore }, { flushMs: 5 });
}, 60_000);
afterAll(() => s?.close());

/** Runs a mutation as `uid` and answers its data and its mutation event (not delivered yet). */
async function act<T = Record<string, unknown>>(uid: string, operation: string, variables: object = {}) {
  const data = await s.mutate<T>(uid, operation, variables);
  emitted++;
  await s.eventsReach(emitted);
  const event = s.events[emitted - 1]!;
  expect(event.operation).toBe(operation);
  return { data, event };
}
/** Runs a mutation and delivers its event. */
async function done<T = Record<string, unknown>>(uid: string, operation: string, variables: object = {}) {
  const { data, event } = await act<T>(uid, operation, variables);
  await deliver(event);
  return data;
}
const deliver = async (...events: MutationExecutedEvent[]) => {
  for (const e of events) await pipeline.handle(socialMutation(e));
};
const post = async (uid: string, content: string, visibility?: string) =>
  (await done<{ post_insert: { id: string } }>(uid, "CreatePost", { content, visibility })).post_insert.id;
const groups = async (uid: string) => {
  const snap = await s.firestore.collection(`users/${uid}/notifications`).get();
  return Object.fromEntries(snap.docs.map((d) => [d.id, NotificationGroup.parse(d.data())]));
};
const unread = async (uid: string) =>
  (await s.firestore.doc(`users/${uid}/notificationState/counter`).get()).get("unread") ?? 0;
const actorIds = (g: NotificationGroup | undefined) => g?.actors.map((a) => a.uid);

describe("likes", () => {
  it('group by post: "u13 and 12 others liked your post", newest actors first, one unread', async () => {
    const likers = Array.from({ length: 13 }, (_, i) => `liker${String(i + 1).padStart(2, "0")}`);
    await s.users("ada", ...likers);
    const p = await post("ada", "like me");
    for (const uid of likers) await done(uid, "LikePost", { post: p });
    const g = (await groups("ada"))[`like_${p}`]!;
    expect(g).toMatchObject({ kind: "like", postId: p, actorCount: 13, read: false });
    expect(actorIds(g)).toEqual(["liker13", "liker12", "liker11"]);
    expect(describeGroup(g)).toBe("liker13 and 12 others liked your post");
    expect(Object.keys(await groups("ada"))).toEqual([`like_${p}`]);
    expect(await unread("ada")).toBe(1);
  });

  it("never notify anyone of their own actions", async () => {
    await s.users("self");
    const p = await post("self", "mine");
    await done("self", "LikePost", { post: p });
    await done("self", "Reply", { to: p, content: "talking to myself" });
    await done("self", "AddComment", { post: p, content: "and again" });
    await done("self", "Repost", { of: p });
    expect(await groups("self")).toEqual({});
    expect(await unread("self")).toBe(0);
  });

  it("are retracted by an unlike; the last one removes the group and its unread count", async () => {
    await s.users("bea", "u_b1", "u_b2");
    const p = await post("bea", "fickle");
    await done("u_b1", "LikePost", { post: p });
    await done("u_b2", "LikePost", { post: p });
    await done("u_b2", "UnlikePost", { post: p });
    expect(actorIds((await groups("bea"))[`like_${p}`])).toEqual(["u_b1"]);
    expect(await unread("bea")).toBe(1);
    await done("u_b1", "UnlikePost", { post: p });
    expect(await groups("bea")).toEqual({});
    expect(await unread("bea")).toBe(0);
  });

  it("redelivered events duplicate nothing and rewrite nothing", async () => {
    await s.users("cat", "u_c1");
    const p = await post("cat", "once");
    const { event } = await act("u_c1", "LikePost", { post: p });
    await deliver(event);
    const ref = s.firestore.doc(`users/cat/notifications/like_${p}`);
    const first = await ref.get();
    await deliver(event, event, event);
    await Promise.all([deliver(event), deliver(event)]);
    const again = await ref.get();
    expect(again.updateTime!.isEqual(first.updateTime!)).toBe(true);
    expect(again.get("actorCount")).toBe(1);
    expect(await unread("cat")).toBe(1);
  });

  it("late or reordered events never resurrect a retracted like", async () => {
    await s.users("dan", "u_d1");
    const p = await post("dan", "flip");
    const like1 = (await act("u_d1", "LikePost", { post: p })).event;
    const unlike = (await act("u_d1", "UnlikePost", { post: p })).event;
    await deliver(unlike, like1, like1);
    expect(await groups("dan")).toEqual({});
    const like2 = (await act("u_d1", "LikePost", { post: p })).event;
    await deliver(unlike, like2, like1, unlike);
    expect(actorIds((await groups("dan"))[`like_${p}`])).toEqual(["u_d1"]);
    expect(await unread("dan")).toBe(1);
  });
});

describe("replies, reposts, quotes and comments", () => {
  it("group per post with the newest reply to open, and are retracted when deleted", async () => {
    await s.users("eve", "u_e1", "u_e2");
    const p = await post("eve", "thoughts?");
    const r1 = (await done<{ post_insert: { id: string } }>("u_e1", "Reply", { to: p, content: "yes" }))
      .post_insert.id;
    const r2 = (await done<{ post_insert: { id: string } }>("u_e2", "Reply", { to: p, content: "no" }))
      .post_insert.id;
    let g = (await groups("eve"))[`reply_${p}`]!;
    expect(g).toMatchObject({ actorCount: 2, latestPostId: r2 });
    expect(describeGroup(g)).toBe("u_e2 and u_e1 replied to your post");
    await done("u_e2", "DeletePost", { id: r2 });
    g = (await groups("eve"))[`reply_${p}`]!;
    expect(g).toMatchObject({ actorCount: 1, latestPostId: r1 });
  });

  it("count each actor once, at their newest action", async () => {
    await s.users("fay", "u_f1");
    const p = await post("fay", "talk to me");
    await done("u_f1", "Reply", { to: p, content: "one" });
    const r2 = (await done<{ post_insert: { id: string } }>("u_f1", "Reply", { to: p, content: "two" }))
      .post_insert.id;
    expect((await groups("fay"))[`reply_${p}`]).toMatchObject({ actorCount: 1, latestPostId: r2 });
  });

  it("give reposts, quotes and comments groups of their own, all gone with the original", async () => {
    await s.users("gus", "u_g1", "u_g2");
    const p = await post("gus", "share me");
    await done("u_g1", "Repost", { of: p });
    const q = (await done<{ post_insert: { id: string } }>("u_g2", "Quote", { of: p, content: "look" }))
      .post_insert.id;
    await done("u_g1", "AddComment", { post: p, content: "nice" });
    await done("u_g2", "LikePost", { post: p });
    const all = await groups("gus");
    expect(Object.keys(all).sort()).toEqual(
      [`comment_${p}`, `like_${p}`, `quote_${p}`, `repost_${p}`].sort(),
    );
    expect(all[`quote_${p}`]).toMatchObject({ actorCount: 1, latestPostId: q });
    expect(describeGroup(all[`repost_${p}`]!)).toBe("u_g1 reposted your post");
    expect(await unread("gus")).toBe(4);
    await done("gus", "DeletePost", { id: p });
    expect(await groups("gus")).toEqual({});
    expect(await unread("gus")).toBe(0);
  });

  it("retract a comment when it is deleted", async () => {
    await s.users("hal", "u_h1");
    const p = await post("hal", "comment please");
    const { comment_insert } = await done<{ comment_insert: { id: string } }>("u_h1", "AddComment", {
      post: p,
      content: "here",
    });
    expect(Object.keys(await groups("hal"))).toEqual([`comment_${p}`]);
    await done("u_h1", "DeleteComment", { id: comment_insert.id });
    expect(await groups("hal")).toEqual({});
  });
});

describe("mentions", () => {
  it("notify each @username in a post, and follow edits and deletion", async () => {
    await s.users("ivy", "jon", "kim");
    const p = await post("ivy", "hello @jon and @KIM, not ivy@example.com");
    expect(Object.keys(await groups("jon"))).toEqual([`mention_${p}`]);
    expect(describeGroup((await groups("kim"))[`mention_${p}`]!)).toBe("ivy mentioned you");
    expect(await groups("ivy")).toEqual({});
    await done("ivy", "EditPost", { id: p, content: "only @kim now" });
    expect(await groups("jon")).toEqual({});
    expect(Object.keys(await groups("kim"))).toEqual([`mention_${p}`]);
    await done("ivy", "DeletePost", { id: p });
    expect(await groups("kim")).toEqual({});
    expect(await unread("jon")).toBe(0);
    expect(await unread("kim")).toBe(0);
  });

  it("in a reply to the mentioned account's own post notify once, as a reply", async () => {
    await s.users("lea", "max");
    const p = await post("lea", "ask me");
    await done("max", "Reply", { to: p, content: "@lea here you go" });
    expect(Object.keys(await groups("lea"))).toEqual([`reply_${p}`]);
  });

  it("reach only accounts that may see the post", async () => {
    await s.users("ned", "oli");
    const p = await post("ned", "psst @oli", "FOLLOWERS");
    expect(await groups("oli")).toEqual({});
    await done("oli", "Follow", { uid: "ned" });
    await done("ned", "EditPost", { id: p, content: "psst @oli (now you follow me)" });
    expect(Object.keys(await groups("oli"))).toEqual([`mention_${p}`]);
  });
});

describe("follows", () => {
  it('group as "new followers", retracted by unfollows', async () => {
    await s.users("pam", "u_p1", "u_p2");
    await done("u_p1", "Follow", { uid: "pam" });
    await done("u_p2", "Follow", { uid: "pam" });
    expect(describeGroup((await groups("pam")).follow!)).toBe("u_p2 and u_p1 followed you");
    await done("u_p2", "Unfollow", { uid: "pam" });
    expect(actorIds((await groups("pam")).follow)).toEqual(["u_p1"]);
    await done("u_p1", "Unfollow", { uid: "pam" });
    expect(await groups("pam")).toEqual({});
  });

  it("start a new group of new followers once the last one was read", async () => {
    await s.users("quin", "u_q1", "u_q2");
    await done("u_q1", "Follow", { uid: "quin" });
    await s.firestore.doc("users/quin/notificationState/counter").update({
      unread: 0,
      readThrough: FieldValue.serverTimestamp(),
    });
    await done("u_q2", "Follow", { uid: "quin" });
    const g = (await groups("quin")).follow!;
    expect(actorIds(g)).toEqual(["u_q2"]);
    expect(g.read).toBe(false);
    expect(await unread("quin")).toBe(1);
  });
});

describe("follow requests", () => {
  const makePrivate = (uid: string) => done(uid, "UpdateMyProfile", { isPrivate: true });

  it('group pending requests: "u_r2 and u_r1 asked to follow you", retracted by cancel and decline', async () => {
    await s.users("rae", "u_r1", "u_r2");
    await makePrivate("rae");
    await done("u_r1", "Follow", { uid: "rae" });
    await done("u_r2", "Follow", { uid: "rae" });
    const g = (await groups("rae")).follow_request!;
    expect(g).toMatchObject({ kind: "follow_request", postId: null, actorCount: 2, read: false });
    expect(describeGroup(g)).toBe("u_r2 and u_r1 asked to follow you");
    expect(Object.keys(await groups("rae"))).toEqual(["follow_request"]);
    expect(await unread("rae")).toBe(1);
    await done("u_r2", "CancelFollowRequest", { targetUid: "rae" });
    expect(actorIds((await groups("rae")).follow_request)).toEqual(["u_r1"]);
    await done("rae", "DeclineFollowRequest", { requesterUid: "u_r1" });
    expect(await groups("rae")).toEqual({});
    expect(await unread("rae")).toBe(0);
  });

  it("an approved request leaves the requests and joins the new followers", async () => {
    await s.users("sal", "u_s1", "u_s2");
    await makePrivate("sal");
    await done("u_s1", "Follow", { uid: "sal" });
    await done("u_s2", "Follow", { uid: "sal" });
    await done("sal", "ApproveFollowRequest", { requesterUid: "u_s1" });
    const all = await groups("sal");
    expect(actorIds(all.follow_request)).toEqual(["u_s2"]);
    expect(describeGroup(all.follow!)).toBe("u_s1 followed you");
    expect(await unread("sal")).toBe(2);
  });

  it("switching to public approves every pending request: the requests go, the followers come", async () => {
    await s.users("ted", "u_t1", "u_t2");
    await makePrivate("ted");
    await done("u_t1", "Follow", { uid: "ted" });
    await done("u_t2", "Follow", { uid: "ted" });
    await done("ted", "UpdateMyProfile", { isPrivate: false });
    const all = await groups("ted");
    expect(Object.keys(all)).toEqual(["follow"]);
    expect(all.follow!.actorCount).toBe(2);
    expect(await unread("ted")).toBe(1);
  });

  it("redelivered or reordered request events never resurrect an answered request", async () => {
    await s.users("ula", "u_u1");
    await makePrivate("ula");
    const asked = (await act("u_u1", "Follow", { uid: "ula" })).event;
    const declined = (await act("ula", "DeclineFollowRequest", { requesterUid: "u_u1" })).event;
    await deliver(declined, asked, asked);
    expect(await groups("ula")).toEqual({});
    expect(await unread("ula")).toBe(0);
  });

  it("follow what the follower may see: a private account's reply shows once approved, not after unfollowing", async () => {
    await s.users("wes", "xia");
    await makePrivate("wes");
    const p = await post("xia", "anyone there?");
    await done("wes", "Reply", { to: p, content: "only my followers see this" });
    expect(await groups("xia")).toEqual({});
    await done("xia", "Follow", { uid: "wes" });
    await done("wes", "ApproveFollowRequest", { requesterUid: "xia" });
    expect(Object.keys(await groups("xia"))).toEqual([`reply_${p}`]);
    await done("xia", "Unfollow", { uid: "wes" });
    expect(await groups("xia")).toEqual({});
    expect(await unread("xia")).toBe(0);
  });

  it("follow an account's privacy: going private withdraws its reply from non-followers, going public brings it back", async () => {
    await s.users("yve", "zed");
    const p = await post("zed", "thoughts?");
    await done("yve", "Reply", { to: p, content: "some, @zed" });
    expect(Object.keys(await groups("zed"))).toEqual([`reply_${p}`]);
    await makePrivate("yve");
    expect(await groups("zed")).toEqual({});
    expect(await unread("zed")).toBe(0);
    await done("yve", "UpdateMyProfile", { isPrivate: false });
    expect(Object.keys(await groups("zed"))).toEqual([`reply_${p}`]);
  });

  it("never come from a muted requester, and a block removes them", async () => {
    await s.users("val", "pest", "pal");
    await makePrivate("val");
    await done("val", "Mute", { uid: "pest" });
    await done("pest", "Follow", { uid: "val" });
    expect(await groups("val")).toEqual({});
    await done("pal", "Follow", { uid: "val" });
    expect(actorIds((await groups("val")).follow_request)).toEqual(["pal"]);
    await done("val", "Block", { uid: "pal" });
    expect(await groups("val")).toEqual({});
    expect(await unread("val")).toBe(0);
  });
});

describe("blocks and mutes", () => {
  it("a mute hides the muted account's notifications, now and later; unmuting shows them again", async () => {
    await s.users("ray", "troll", "fan");
    const p = await post("ray", "opinions");
    await done("troll", "LikePost", { post: p });
    await done("fan", "LikePost", { post: p });
    await done("ray", "Mute", { uid: "troll" });
    expect(actorIds((await groups("ray"))[`like_${p}`])).toEqual(["fan"]);
    await done("troll", "Reply", { to: p, content: "wrong" });
    await done("troll", "Follow", { uid: "ray" });
    expect(Object.keys(await groups("ray"))).toEqual([`like_${p}`]);
    await done("ray", "Unmute", { uid: "troll" });
    expect(Object.keys(await groups("ray")).sort()).toEqual(["follow", `like_${p}`, `reply_${p}`].sort());
  });

  it("a block removes each side's notifications from the other", async () => {
    await s.users("sue", "tom");
    const sp = await post("sue", "sue's");
    const tp = await post("tom", "tom's");
    await done("tom", "LikePost", { post: sp });
    await done("tom", "Follow", { uid: "sue" });
    await done("sue", "AddComment", { post: tp, content: "hi tom" });
    await done("sue", "Block", { uid: "tom" });
    expect(await groups("sue")).toEqual({});
    expect(await groups("tom")).toEqual({});
    expect(await unread("sue")).toBe(0);
    expect(await unread("tom")).toBe(0);
  });
});

describe("account deletion", () => {
  it("retracts the deleted account from everyone's groups, and the groups it alone made", async () => {
    await s.users("del_a", "del_b", "del_c");
    const p = await post("del_a", "hi");
    await done("del_b", "LikePost", { post: p });
    await done("del_c", "LikePost", { post: p });
    await done("del_b", "Follow", { uid: "del_a" });
    await done("del_b", "Reply", { to: p, content: "hello" });
    expect(Object.keys(await groups("del_a")).sort()).toEqual(["follow", `like_${p}`, `reply_${p}`].sort());
    const from = s.events.length;
    await purgeAccountData(s.dataConnect, "del_b");
    // Deliver what the deletion emitted (its batches, and the like sweep's settlement).
    await new Promise((r) => setTimeout(r, 200));
    emitted = s.events.length;
    await deliver(...s.events.slice(from));
    const left = await groups("del_a");
    expect(Object.keys(left)).toEqual([`like_${p}`]);
    expect(actorIds(left[`like_${p}`])).toEqual(["del_c"]);
    expect(await unread("del_a")).toBe(1);
  });

  it("recounts the groups that count the deleted account without showing it; redelivery changes nothing", async () => {
    const likers = ["dl_1", "dl_2", "dl_3", "dl_4", "dl_5"];
    await s.users("del_p", ...likers);
    const p = await post("del_p", "popular");
    for (const uid of likers) await done(uid, "LikePost", { post: p });
    const before = (await groups("del_p"))[`like_${p}`];
    expect(before?.actorCount).toBe(5);
    expect(actorIds(before)).toEqual(["dl_5", "dl_4", "dl_3"]);
    // dl_1, the 5th actor in the group's order, is counted but not shown.
    const from = s.events.length;
    await deleteAccountData({ dc: s.dataConnect, db: s.firestore }, "dl_1");
    await new Promise((r) => setTimeout(r, 200));
    emitted = s.events.length;
    const emittedByDeletion = s.events.slice(from);
    await deliver(...emittedByDeletion);
    const ref = s.firestore.doc(`users/del_p/notifications/like_${p}`);
    const after = await ref.get();
    const g = NotificationGroup.parse(after.data());
    expect(g.actorCount).toBe(4);
    expect(actorIds(g)).toEqual(["dl_5", "dl_4", "dl_3"]);
    expect(describeGroup(g)).toBe("dl_5 and 3 others liked your post");
    expect(await unread("del_p")).toBe(1);
    // Redelivered and reordered, the deletion's events rewrite nothing.
    await deliver(...emittedByDeletion, ...[...emittedByDeletion].reverse());
    const again = await ref.get();
    expect(again.updateTime!.isEqual(after.updateTime!)).toBe(true);
    expect(again.get("actorCount")).toBe(4);
    expect(await unread("del_p")).toBe(1);
    expect((await s.firestore.collection("users/dl_1/departingGroups").get()).empty).toBe(true);
  });

  it("reads every group the account acts in before its rows go: each kind, never its own", async () => {
    await s.users("dk_a", "dk_b", "dk_c", "dk_x");
    await done("dk_c", "UpdateMyProfile", { isPrivate: true });
    const p = await post("dk_a", "talk to me");
    const own = await post("dk_x", "mine, @dk_x");
    const m = await post("dk_x", "hi @dk_b");
    for (const op of ["LikePost", "AddComment"]) await done("dk_x", op, { post: p, content: "c" });
    await done("dk_x", "LikePost", { post: own });
    await done("dk_x", "Reply", { to: p, content: "r" });
    await done("dk_x", "Repost", { of: p });
    await done("dk_x", "Quote", { of: p, content: "q" });
    await done("dk_x", "Follow", { uid: "dk_b" });
    await done("dk_x", "Follow", { uid: "dk_c" });
    const key = (recipient: string, kind: string, post: string | null) => ({ recipient, kind, post });
    expect(await groupsActedIn(s.dataConnect, "dk_x")).toEqual([
      ...["comment", "like", "quote", "reply", "repost"].map((kind) => key("dk_a", kind, p)),
      key("dk_b", "follow", null),
      key("dk_b", "mention", m),
      key("dk_c", "follow_request", null),
    ]);
  });

  it("an interrupted deletion still recounts the groups it recorded, on its next run", async () => {
    await s.users("ir_p", "ir_1", "ir_2", "ir_3", "ir_4");
    const p = await post("ir_p", "again");
    for (const uid of ["ir_1", "ir_2", "ir_3", "ir_4"]) await done(uid, "LikePost", { post: p });
    // The first run stops after the purge: the rows are gone, the group not recounted yet.
    await recordDepartingGroups(s.dataConnect, s.firestore, "ir_1");
    await purgeAccountData(s.dataConnect, "ir_1");
    await new Promise((r) => setTimeout(r, 200));
    emitted = s.events.length;
    expect((await groups("ir_p"))[`like_${p}`]?.actorCount).toBe(4);
    await deleteAccountData({ dc: s.dataConnect, db: s.firestore }, "ir_1");
    await new Promise((r) => setTimeout(r, 200));
    emitted = s.events.length;
    const g = (await groups("ir_p"))[`like_${p}`];
    expect(g?.actorCount).toBe(3);
    expect(actorIds(g)).toEqual(["ir_4", "ir_3", "ir_2"]);
    expect(await unread("ir_p")).toBe(1);
  });
});

describe("the unread count", () => {
  it("stays exact through mark-one, mark-all and new activity", async () => {
    await s.users("uma", "u_v1", "u_v2");
    const a = await post("uma", "a");
    const b = await post("uma", "b");
    await done("u_v1", "LikePost", { post: a });
    await done("u_v1", "LikePost", { post: b });
    expect(await unread("uma")).toBe(2);
    // Mark one read, as the client helper does (the rules' contract).
    const batch = s.firestore.batch();
    batch.update(s.firestore.doc(`users/uma/notifications/like_${a}`), { read: true });
    batch.update(s.firestore.doc("users/uma/notificationState/counter"), {
      unread: FieldValue.increment(-1),
      lastRead: `like_${a}`,
    });
    await batch.commit();
    // A redelivered old event does not make it unread again; a new like does.
    await deliver(s.events.find((e) => e.operation === "LikePost" && e.authid === "u_v1")!);
    expect(await unread("uma")).toBe(1);
    await done("u_v2", "LikePost", { post: a });
    expect(await unread("uma")).toBe(2);
    await s.firestore.doc("users/uma/notificationState/counter").update({
      unread: 0,
      readThrough: FieldValue.serverTimestamp(),
    });
    await done("u_v2", "UnlikePost", { post: a });
    expect(await unread("uma")).toBe(0);
    await done("u_v2", "LikePost", { post: b });
    expect(await unread("uma")).toBe(1);
  });
});
