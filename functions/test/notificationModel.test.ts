import { describe, expect, it } from "vitest";
import {
  type CounterState,
  decodeKey,
  EMPTY_COUNTER,
  encodeKey,
  type GroupTruth,
  groupId,
  isUnread,
  nextFollowPeriod,
  planGroup,
  type StoredGroup,
} from "../src/notifications/model.ts";

const t = (n: number) => `2026-01-01T00:00:${String(n).padStart(2, "0")}.000000Z`;
const actor = (uid: string, at: number) => ({
  uid,
  username: null,
  displayName: uid,
  avatarUrl: null,
  at: t(at),
});
const truth = (...actors: [string, number][]): GroupTruth => {
  const sorted = [...actors].sort((a, b) => b[1] - a[1]);
  return {
    actorCount: actors.length,
    latestAt: t(sorted[0]![1]),
    latestPost: null,
    actors: sorted.slice(0, 3).map(([uid, at]) => actor(uid, at)),
  };
};
const stored = (g: GroupTruth, read: boolean, changedAt = 10): StoredGroup => ({
  ...g,
  kind: "like",
  postId: "p",
  read,
  changedAt: t(changedAt),
});
const like = { kind: "like" as const, post: "p" };

describe("group identity", () => {
  it("names a group's document by kind and post, and the follow group by kind alone", () => {
    expect(groupId({ kind: "like", post: "abc" })).toBe("like_abc");
    expect(groupId({ kind: "follow", post: null })).toBe("follow");
  });

  it("round-trips a group key through its batch string", () => {
    const key = { recipient: "a\nb", kind: "mention" as const, post: "p" };
    expect(decodeKey(encodeKey(key))).toEqual(key);
  });
});

describe("isUnread", () => {
  it("is unread when not marked read and changed after the last mark-all", () => {
    expect(isUnread({ read: false, changedAt: t(5) }, EMPTY_COUNTER)).toBe(true);
    expect(isUnread({ read: true, changedAt: t(5) }, EMPTY_COUNTER)).toBe(false);
    const markedAll: CounterState = { ...EMPTY_COUNTER, readThrough: t(5) };
    expect(isUnread({ read: false, changedAt: t(5) }, markedAll)).toBe(false);
    expect(isUnread({ read: false, changedAt: t(6) }, markedAll)).toBe(true);
  });
});

describe("planGroup", () => {
  it("creates an unread group for the first action, counting one more unread", () => {
    const plan = planGroup(like, undefined, truth(["ada", 1]), EMPTY_COUNTER);
    expect(plan).toMatchObject({ op: "set", newActivity: true, unreadDelta: 1 });
  });

  it("keeps a group that already shows the truth (a redelivered event writes nothing)", () => {
    const g = truth(["ada", 1], ["bob", 2]);
    expect(planGroup(like, stored(g, false), g, EMPTY_COUNTER)).toEqual({ op: "keep" });
    expect(planGroup(like, stored(g, true), g, EMPTY_COUNTER)).toEqual({ op: "keep" });
  });

  it("makes a read group unread again on a newer action, and counts it once", () => {
    const before = stored(truth(["ada", 1]), true);
    const plan = planGroup(like, before, truth(["ada", 1], ["bob", 2]), EMPTY_COUNTER);
    expect(plan).toMatchObject({ op: "set", newActivity: true, unreadDelta: 1 });
    const unread = stored(truth(["ada", 1]), false);
    expect(planGroup(like, unread, truth(["ada", 1], ["bob", 2]), EMPTY_COUNTER)).toMatchObject({
      newActivity: true,
      unreadDelta: 0,
    });
  });

  it("leaves the read state alone when actors only leave (a retraction)", () => {
    const before = stored(truth(["ada", 1], ["bob", 2]), true);
    expect(planGroup(like, before, truth(["ada", 1]), EMPTY_COUNTER)).toMatchObject({
      op: "set",
      newActivity: false,
      unreadDelta: 0,
    });
  });

  it("deletes a group whose last actor left, taking it off the unread count if it was unread", () => {
    expect(planGroup(like, stored(truth(["ada", 1]), false), undefined, EMPTY_COUNTER)).toEqual({
      op: "delete",
      unreadDelta: -1,
    });
    expect(planGroup(like, stored(truth(["ada", 1]), true), undefined, EMPTY_COUNTER)).toEqual({
      op: "delete",
      unreadDelta: 0,
    });
    expect(planGroup(like, undefined, undefined, EMPTY_COUNTER)).toEqual({ op: "keep" });
  });

  it("counts a group read by mark-all as read when it is deleted or gains an action", () => {
    const markedAll = { ...EMPTY_COUNTER, readThrough: t(20) };
    const before = stored(truth(["ada", 1]), false, 10);
    expect(planGroup(like, before, undefined, markedAll)).toEqual({ op: "delete", unreadDelta: 0 });
    expect(planGroup(like, before, truth(["ada", 1], ["bob", 30]), markedAll)).toMatchObject({
      unreadDelta: 1,
    });
  });

  it("rewrites a group whose actor renamed, without making it unread", () => {
    const g = truth(["ada", 1]);
    const renamed = { ...g, actors: [{ ...g.actors[0]!, displayName: "Ada L." }] };
    expect(planGroup(like, stored(g, true), renamed, EMPTY_COUNTER)).toMatchObject({
      op: "set",
      newActivity: false,
      unreadDelta: 0,
    });
  });

  it("applied to its own result, plans nothing more (idempotent)", () => {
    const next = truth(["ada", 1], ["bob", 2], ["cy", 3], ["dee", 4]);
    const plan = planGroup(like, undefined, next, EMPTY_COUNTER);
    if (plan.op !== "set") throw new Error("expected a write");
    const written: StoredGroup = { ...plan.fields, read: false, changedAt: t(50) };
    expect(planGroup(like, written, next, EMPTY_COUNTER)).toEqual({ op: "keep" });
  });
});

describe("nextFollowPeriod", () => {
  const follow = (g: GroupTruth, read: boolean): StoredGroup => ({
    ...stored(g, read),
    kind: "follow",
    postId: null,
  });

  it("starts a new period after what a read follow group showed, once a newer follow arrives", () => {
    expect(
      nextFollowPeriod(follow(truth(["ada", 1]), true), truth(["ada", 1], ["bob", 5]), EMPTY_COUNTER),
    ).toBe(t(1));
  });

  it("keeps the period while the group is unread, unchanged, or absent", () => {
    expect(
      nextFollowPeriod(follow(truth(["ada", 1]), false), truth(["ada", 1], ["bob", 5]), EMPTY_COUNTER),
    ).toBeNull();
    expect(nextFollowPeriod(follow(truth(["ada", 1]), true), truth(["ada", 1]), EMPTY_COUNTER)).toBeNull();
    expect(nextFollowPeriod(undefined, truth(["bob", 5]), EMPTY_COUNTER)).toBeNull();
  });
});
