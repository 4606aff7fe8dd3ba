// Infinite feeds over the keyset-paginated feed operations, through TanStack Query.

import {
  authorFeedRef,
  globalFeedRef,
  hashtagFeedRef,
  homeFeedRef,
  searchPostsRef,
} from "@rookery/dataconnect";
import { type InfiniteData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FIRST_SEARCH_PAGE, searchPostsPage } from "../../../dataconnect/client/search.ts";
import { useLiveQuery } from "../data/live.ts";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { engagementOf, primeEngagement } from "../posts/engagement.ts";
import {
  type FeedCursor,
  type FeedItem,
  type FeedPage,
  FIRST_PAGE,
  feedPage,
  flattenPages,
  isNewer,
} from "./page.ts";

/**
 * Which feed: the viewer's home feed, everyone's (explore), one author's, one hashtag's, or the posts a
 * search finds (most relevant first, so it never offers "new posts").
 */
export type FeedSource =
  | { kind: "home" }
  | { kind: "explore" }
  | { kind: "author"; uid: string }
  | { kind: "tag"; tag: string }
  | { kind: "search"; query: string };

/** Posts per page. */
export const PAGE_SIZE = 20;

/** The cache key of a feed (all its pages). */
export function feedKey(source: FeedSource) {
  switch (source.kind) {
    case "author":
      return ["feed", "author", source.uid] as const;
    case "tag":
      return ["feed", "tag", source.tag] as const;
    case "search":
      return ["feed", "search", source.query] as const;
    default:
      return ["feed", source.kind] as const;
  }
}

/** Fetches one page of a feed. */
export async function fetchFeedPage(
  source: FeedSource,
  cursor: FeedCursor,
  limit = PAGE_SIZE,
): Promise<FeedPage> {
  const vars = { beforeTime: cursor.beforeTime, beforeId: cursor.beforeId, limit };
  switch (source.kind) {
    case "home":
      return feedPage((await fetchFromServer(homeFeedRef(dataConnect, vars)))._select, limit);
    case "explore":
      return feedPage((await fetchFromServer(globalFeedRef(dataConnect, vars)))._select, limit);
    case "author":
      return feedPage(
        (await fetchFromServer(authorFeedRef(dataConnect, { ...vars, uid: source.uid })))._select,
        limit,
      );
    case "tag":
      return feedPage(
        (await fetchFromServer(hashtagFeedRef(dataConnect, { ...vars, tag: source.tag })))._select,
        limit,
      );
    case "search": {
      // Ranked, so the cursor carries the rank too (SearchPosts pages by (rank, createdAt, id)).
      const beforeRank = cursor.beforeRank ?? FIRST_SEARCH_PAGE.posts.beforeRank;
      const data = await fetchFromServer(
        searchPostsRef(dataConnect, { ...vars, beforeRank, query: source.query }),
      );
      return searchPostsPage(data._select ?? [], limit);
    }
  }
}

/** A feed as an infinite list: its items so far, and how to load the next page. */
export function useFeed(source: FeedSource) {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: feedKey(source),
    initialPageParam: FIRST_PAGE,
    queryFn: async ({ pageParam }) => {
      const page = await fetchFeedPage(source, pageParam);
      for (const item of page.items) primeEngagement(queryClient, item.id, engagementOf(item));
      return page;
    },
    getNextPageParam: (last) => last.next,
    staleTime: 60_000,
  });
  const items = query.data ? flattenPages(query.data.pages) : [];
  return { ...query, items };
}

/**
 * Whether the feed has posts newer than the newest one shown. The home feed knows live: it subscribes to
 * its first page (HomeFeed refreshes on the viewer's own activity at once, on everyone else's by the
 * engine's poll), which also brings the viewer's likes and bookmarks from other devices. Explore and
 * author feeds have no live rules: they are asked every `intervalMs`.
 */
export function useNewerPosts(
  source: FeedSource,
  newestShown: FeedItem | null | undefined,
  intervalMs = 20_000,
): boolean {
  const queryClient = useQueryClient();
  const live = source.kind === "home";
  // Search results are ordered by relevance: a newer match is not "above" the first one shown.
  const polled = source.kind !== "home" && source.kind !== "search";
  const [liveNewest, setLiveNewest] = useState<FeedItem | null>(null);
  useLiveQuery(
    "feed:home",
    () => homeFeedRef(dataConnect, { ...FIRST_PAGE, limit: PAGE_SIZE }),
    (data) => {
      const page = feedPage(data._select, PAGE_SIZE);
      for (const item of page.items) primeEngagement(queryClient, item.id, engagementOf(item));
      setLiveNewest(page.items[0] ?? null);
    },
    live && newestShown !== undefined,
  );
  const newestPolled = useQuery({
    queryKey: [...feedKey(source), "newest"],
    queryFn: async () => (await fetchFeedPage(source, FIRST_PAGE, 1)).items[0] ?? null,
    refetchInterval: intervalMs,
    enabled: polled && newestShown !== undefined,
  });
  const newest = live ? liveNewest : polled ? newestPolled.data : null;
  return !!newest && newestShown !== undefined && isNewer(newest, newestShown);
}

/** Starts a feed over from its first page (after posting, or to show newer posts). */
export function resetFeed(queryClient: ReturnType<typeof useQueryClient>, source: FeedSource): Promise<void> {
  queryClient.setQueryData<InfiniteData<FeedPage, FeedCursor>>(feedKey(source), (data) =>
    data ? { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) } : data,
  );
  return queryClient.invalidateQueries({ queryKey: feedKey(source) });
}
