// Client side of the account lists (Followers, Following, MutualFollowers): native SQL, so their rows
// are not typed by the schema; this module validates them and builds the next page's variables.
import { z } from "zod";

const timestamp = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

/** An account as the lists show it. */
export const UserRow = z.object({
  uid: z.string().min(1),
  username: z.string().nullable(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});
export type UserRow = z.infer<typeof UserRow>;

/** A row of Followers or Following: the account and when the follow began. */
export const FollowRow = UserRow.extend({ createdAt: timestamp });
export type FollowRow = z.infer<typeof FollowRow>;

/** Variables of the first page of Followers or Following. */
export const FIRST_FOLLOW_PAGE = { beforeTime: "9999-12-31T23:59:59Z", afterUid: "" } as const;

/** A validated Followers/Following page and the variables of the next one (null when it was not full). */
export function followPage(
  rows: unknown,
  limit = 20,
): { items: FollowRow[]; next: { beforeTime: string; afterUid: string } | null } {
  const items = z.array(FollowRow).parse(rows);
  const last = items.at(-1);
  return {
    items,
    next: last && items.length >= limit ? { beforeTime: last.createdAt, afterUid: last.uid } : null,
  };
}

/** A validated MutualFollowers page and the `afterUid` of the next one (null when it was not full). */
export function mutualPage(rows: unknown, limit = 20): { items: UserRow[]; next: string | null } {
  const items = z.array(UserRow).parse(rows);
  const last = items.at(-1);
  return { items, next: last && items.length >= limit ? last.uid : null };
}

const since = z.object({ createdAt: timestamp }).nullable();

/** A profile with the viewer's relationship to it: GetProfile's data, UserByUsername's `profile`. */
export const Profile = z.object({
  user: z.object({
    uid: z.string().min(1),
    username: z.string().nullable(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    bio: z.string().nullable(),
    isPrivate: z.boolean(),
    followerCount: z.number().int().nonnegative(),
    followingCount: z.number().int().nonnegative(),
    postCount: z.number().int().nonnegative(),
    createdAt: timestamp,
  }),
  following: since,
  followedBy: since,
  blocking: since,
  muting: since,
  requested: since,
});
export type Profile = z.infer<typeof Profile>;

/** A validated profile (null when there is no such account: GetProfile's `user` null, or no row). */
export function profileOf(data: unknown): Profile | null {
  if (data === null || (data as { user?: unknown }).user === null) return null;
  return Profile.parse(data);
}
