// Client side of search (connector/search.gql): native SQL, so rows are not typed by the schema; this
// module validates them and builds the next page's variables.
import { z } from "zod";
import { FeedItem } from "./feed.ts";

/** Variables of the first page of each search list. */
export const FIRST_SEARCH_PAGE = {
  users: { afterRank: -1, afterUsername: "" },
  posts: {
    beforeRank: "Infinity",
    beforeTime: "9999-12-31T23:59:59Z",
    beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff",
  },
} as const;

/** An account SearchUsers found: rank 0 the exact username, 1 a username prefix, 2 a display name. */
export const SearchUserRow = z.object({
  rank: z.number().int().min(0).max(2),
  uid: z.string().min(1),
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  isPrivate: z.boolean(),
  followerCount: z.number().int().nonnegative(),
  followedByMe: z.boolean(),
});
export type SearchUserRow = z.infer<typeof SearchUserRow>;

/** A validated SearchUsers page and the variables of the next one (null when it was not full). */
export function searchUsersPage(
  rows: unknown,
  limit = 20,
): { items: SearchUserRow[]; next: { afterRank: number; afterUsername: string } | null } {
  const items = z.array(SearchUserRow).parse(rows);
  const last = items.at(-1);
  return {
    items,
    next:
      last && items.length >= limit
        ? { afterRank: last.rank, afterUsername: last.username.toLowerCase() }
        : null,
  };
}

/** A post SearchPosts found: its card and its relevance (a float4 as text, exact for the cursor). */
export const SearchPostItem = FeedItem.extend({
  rank: z.string().regex(/^-?(\d+(\.\d*)?(e[-+]?\d+)?|Infinity)$/i),
});
export type SearchPostItem = z.infer<typeof SearchPostItem>;

/** A validated SearchPosts page and the variables of the next one (null when it was not full). */
export function searchPostsPage(
  rows: unknown,
  limit = 20,
): { items: SearchPostItem[]; next: { beforeRank: string; beforeTime: string; beforeId: string } | null } {
  const items = z.array(SearchPostItem).parse(rows);
  const last = items.at(-1);
  return {
    items,
    next:
      last && items.length >= limit
        ? { beforeRank: last.rank, beforeTime: last.createdAt, beforeId: last.id }
        : null,
  };
}

/** A trending hashtag: the tag (folded, without "#"), its posts and the accounts that used it. */
export const TrendingTag = z.object({
  tag: z.string().min(1),
  posts: z.number().int().positive(),
  authors: z.number().int().positive(),
});
export type TrendingTag = z.infer<typeof TrendingTag>;

/** Validated TrendingHashtags rows. */
export function trendingTags(rows: unknown): TrendingTag[] {
  return z.array(TrendingTag).parse(rows);
}
