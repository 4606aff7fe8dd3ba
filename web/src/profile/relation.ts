// Where the viewer stands with an account, and how a profile looks after that changes: the pure part of
// the Follow button (ProfilePage), so its optimistic states can be tested without a server.
import type { GetProfileData } from "@rookery/dataconnect";

/** Following the account, asked to follow it (a private account), or neither. */
export type Relation = "following" | "requested" | "none";

/** The viewer's relation to a profile, from GetProfile's answer. */
export function relationOf(profile: GetProfileData): Relation {
  return profile.following ? "following" : profile.requested ? "requested" : "none";
}

/** What pressing the button aims for: a follow (a request, if the account is private), or undoing it. */
export function nextRelation(current: Relation, isPrivate: boolean): Relation {
  if (current !== "none") return "none";
  return isPrivate ? "requested" : "following";
}

/** The profile as it looks once `from` → `to` happened (only real follows move the follower count). */
export function withRelation(
  profile: GetProfileData,
  from: Relation,
  to: Relation,
  now = new Date(),
): GetProfileData {
  const since = { createdAt: now.toISOString() };
  const delta = (to === "following" ? 1 : 0) - (from === "following" ? 1 : 0);
  return {
    ...profile,
    following: to === "following" ? since : undefined,
    requested: to === "requested" ? since : undefined,
    user: profile.user && {
      ...profile.user,
      followerCount: Math.max(0, profile.user.followerCount + delta),
    },
  };
}
