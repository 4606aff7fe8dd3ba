import type { Timestamp } from "firebase/firestore";
import { describe, expect, it } from "vitest";
import type { NotificationGroup } from "../../../firestore/client/notifications.ts";
import { notificationHref, unreadBadge } from "./format.ts";

const at = { seconds: 1_800_000_000, nanoseconds: 0 } as Timestamp;
const actor = (uid: string, username: string | null = uid) => ({
  uid,
  username,
  displayName: uid.toUpperCase(),
  avatarUrl: null,
  at,
});
const group = (fields: Partial<NotificationGroup>): NotificationGroup => ({
  kind: "like",
  postId: "p1",
  latestPostId: null,
  actorCount: 1,
  latestAt: at,
  actors: [actor("bob")],
  read: false,
  changedAt: at,
  ...fields,
});
const me = { uid: "ann-uid", username: "ann" };

describe("the unread badge", () => {
  it("shows nothing when nothing is unread", () => {
    expect(unreadBadge(0)).toBeNull();
    expect(unreadBadge(-1)).toBeNull();
    expect(unreadBadge(Number.NaN)).toBeNull();
  });

  it("shows the count and says it in words", () => {
    expect(unreadBadge(1)).toEqual({ text: "1", label: "1 unread" });
    expect(unreadBadge(99)).toEqual({ text: "99", label: "99 unread" });
  });

  it("caps the count at 99+", () => {
    expect(unreadBadge(100)).toEqual({ text: "99+", label: "99+ unread" });
    expect(unreadBadge(12_345)?.text).toBe("99+");
  });
});

describe("where a notification leads", () => {
  it("opens the liked, reposted or commented post", () => {
    expect(notificationHref(group({ kind: "like" }), me)).toBe("/p/p1");
    expect(notificationHref(group({ kind: "repost", latestPostId: "r9" }), me)).toBe("/p/p1");
    expect(notificationHref(group({ kind: "comment", latestPostId: "p1" }), me)).toBe("/p/p1");
  });

  it("opens the newest reply, quote or mentioning post itself", () => {
    expect(notificationHref(group({ kind: "reply", latestPostId: "r2" }), me)).toBe("/p/r2");
    expect(notificationHref(group({ kind: "quote", latestPostId: "q3" }), me)).toBe("/p/q3");
    expect(notificationHref(group({ kind: "mention", postId: "m4", latestPostId: "m4" }), me)).toBe("/p/m4");
  });

  it("opens one new follower's profile, or your followers when there are several", () => {
    expect(notificationHref(group({ kind: "follow", postId: null }), me)).toBe("/u/bob");
    expect(
      notificationHref(
        group({ kind: "follow", postId: null, actorCount: 5, actors: [actor("bob"), actor("cy", null)] }),
        me,
      ),
    ).toBe("/u/ann/followers");
  });

  it("opens the follow requests screen for requests", () => {
    expect(notificationHref(group({ kind: "follow_request", postId: null }), me)).toBe(
      "/notifications/requests",
    );
  });
});
