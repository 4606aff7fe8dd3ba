import type { GetProfileData } from "@rookery/dataconnect";
import { describe, expect, it } from "vitest";
import { nextRelation, relationOf, withRelation } from "./relation.ts";

const profile = (extra: Partial<GetProfileData> = {}, followerCount = 4): GetProfileData =>
  ({
    user: { uid: "ann", displayName: "Ann", isPrivate: true, followerCount, followingCount: 0, postCount: 0 },
    ...extra,
  }) as GetProfileData;
const since = { createdAt: "2026-01-01T00:00:00.000000Z" };
const now = new Date("2026-02-02T00:00:00Z");

describe("the follow button's relation", () => {
  it("reads following, requested or neither from GetProfile", () => {
    expect(relationOf(profile({ following: since }))).toBe("following");
    expect(relationOf(profile({ requested: since }))).toBe("requested");
    expect(relationOf(profile())).toBe("none");
  });

  it("follows a public account, asks a private one, and undoes either", () => {
    expect(nextRelation("none", false)).toBe("following");
    expect(nextRelation("none", true)).toBe("requested");
    expect(nextRelation("following", true)).toBe("none");
    expect(nextRelation("requested", true)).toBe("none");
  });

  it("counts a follower for a follow, not for a request", () => {
    const followed = withRelation(profile(), "none", "following", now);
    expect(followed.following).toEqual({ createdAt: "2026-02-02T00:00:00.000Z" });
    expect(followed.user?.followerCount).toBe(5);
    const asked = withRelation(profile(), "none", "requested", now);
    expect(asked.requested).toEqual({ createdAt: "2026-02-02T00:00:00.000Z" });
    expect(asked.following).toBeUndefined();
    expect(asked.user?.followerCount).toBe(4);
  });

  it("moves a request the server turned into a follow (the account went public) to a counted follow", () => {
    const settled = withRelation(
      withRelation(profile(), "none", "requested", now),
      "requested",
      "following",
      now,
    );
    expect(settled.requested).toBeUndefined();
    expect(settled.following).toBeDefined();
    expect(settled.user?.followerCount).toBe(5);
  });

  it("takes the follower off on unfollow, never below zero", () => {
    expect(withRelation(profile({ following: since }), "following", "none").user?.followerCount).toBe(3);
    expect(withRelation(profile({ following: since }, 0), "following", "none").user?.followerCount).toBe(0);
    expect(withRelation(profile({ requested: since }), "requested", "none").requested).toBeUndefined();
  });
});
