// Bookmarks: the posts you saved, newest bookmark first, paged by (bookmarkedAt, id).

import { myBookmarksRef } from "@rookery/dataconnect";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { fetchFromServer } from "../data/query.ts";
import { bookmarkPage, FIRST_PAGE, flattenPages } from "../feed/page.ts";
import { dataConnect } from "../firebase/client.ts";
import { engagementOf, primeEngagement } from "../posts/engagement.ts";
import { PostCard } from "../posts/PostCard.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";

const LIMIT = 20;

/** The bookmarks screen. */
export function BookmarksPage() {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: ["bookmarks"],
    initialPageParam: FIRST_PAGE,
    queryFn: async ({ pageParam }) => {
      const data = await fetchFromServer(myBookmarksRef(dataConnect, { ...pageParam, limit: LIMIT }));
      const page = bookmarkPage(data.bookmarks, LIMIT);
      for (const item of page.items) primeEngagement(queryClient, item.id, engagementOf(item));
      return page;
    },
    getNextPageParam: (last) => last.next,
  });
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, fetchNextPage, isFetchingNextPage } = query;
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasNextPage) return;
    const observer = new IntersectionObserver((e) => {
      if (e.some((x) => x.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, fetchNextPage, isFetchingNextPage]);

  const rows = query.data ? flattenPages(query.data.pages) : [];
  return (
    <>
      <h1 className="page-title">Bookmarks</h1>
      {query.isPending ? (
        <Loading label="Loading bookmarks…" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => query.refetch()} what="your bookmarks" />
      ) : rows.length === 0 ? (
        <Empty title="No bookmarks yet">Tap the bookmark on any post to keep it here.</Empty>
      ) : (
        <div role="feed" aria-label="Bookmarks" className="feed" aria-busy={query.isFetching}>
          {rows.map((row, index) => (
            <PostCard key={row.id} item={row} position={index + 1} setSize={hasNextPage ? -1 : rows.length} />
          ))}
        </div>
      )}
      <div ref={sentinel} className="feed-end">
        {isFetchingNextPage ? <Loading label="Loading more bookmarks…" /> : null}
      </div>
    </>
  );
}
