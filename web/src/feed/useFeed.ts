// Infinite feeds over the keyset-paginated feed operations, through TanStack Query.

import { authorFeedRef, globalFeedRef, homeFeedRef } from "@rookery/dataconnect";
import { type InfiniteData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
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

/** Which feed: the viewer's home feed, everyone's (explore), or one author's. */
export type FeedSource = { kind: "home" } | { kind: "explore" } | { kind: "author"; uid: string };

/** Posts per page. */
export const PAGE_SIZE = 20;

/** The cache key of a feed (all its pages). */
export function feedKey(source: FeedSource) {
  return source.kind === "author"
    ? (["feed", "author", source.uid] as const)
    : (["feed", source.kind] as const);
}

/** Fetches one page of a feed. */
export async function fetchFeedPage(
  source: FeedSource,
  cursor: FeedCursor,
  limit = PAGE_SIZE,
): Promise<FeedPage> {
  const vars = { ...cursor, limit };
  const data =
    source.kind === "home"
      ? await fetchFromServer(homeFeedRef(dataConnect, vars))
      : source.kind === "explore"
        ? await fetchFromServer(globalFeedRef(dataConnect, vars))
        : await fetchFromServer(authorFeedRef(dataConnect, { ...vars, uid: source.uid }));
  return feedPage(data._select, limit);
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
  const polled = useQuery({
    queryKey: [...feedKey(source), "newest"],
    queryFn: async () => (await fetchFeedPage(source, FIRST_PAGE, 1)).items[0] ?? null,
    refetchInterval: intervalMs,
    enabled: !live && newestShown !== undefined,
  });
  const newest = live ? liveNewest : polled.data;
  return !!newest && newestShown !== undefined && isNewer(newest, newestShown);
}

/** Starts a feed over from its first page (after posting, or to show newer posts). */
export function resetFeed(queryClient: ReturnType<typeof useQueryClient>, source: FeedSource): Promise<void> {
  queryClient.setQueryData<InfiniteData<FeedPage, FeedCursor>>(feedKey(source), (data) =>
    data ? { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) } : data,
  );
  return queryClient.invalidateQueries({ queryKey: feedKey(source) });
}
