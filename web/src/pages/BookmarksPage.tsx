// Bookmarks: the posts you saved, newest bookmark first, paged by the bookmark's time.

import { myBookmarksRef, myLikesOnPostsRef } from "@rookery/dataconnect";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { type Engagement, engagementKey, primeEngagement } from "../posts/engagement.ts";
import { PostArticle } from "../posts/PostCard.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";

const LIMIT = 20;

/** The bookmarks screen. */
export function BookmarksPage() {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: ["bookmarks"],
    initialPageParam: "9999-12-31T23:59:59Z",
    queryFn: async ({ pageParam }) => {
      const { bookmarks } = await fetchFromServer(
        myBookmarksRef(dataConnect, { beforeTime: pageParam, limit: LIMIT }),
      );
      const ids = bookmarks.map((b) => b.post.id);
      const liked = new Set(
        ids.length
          ? (await fetchFromServer(myLikesOnPostsRef(dataConnect, { posts: ids }))).likes.map((l) => l.postId)
          : [],
      );
      for (const id of ids) {
        // MyBookmarks carries no counters: keep the ones a feed already showed.
        const known = queryClient.getQueryData<Engagement>(engagementKey(id));
        primeEngagement(queryClient, id, {
          likeCount: known?.likeCount ?? 0,
          replyCount: known?.replyCount ?? 0,
          shareCount: known?.shareCount ?? 0,
          liked: liked.has(id),
          bookmarked: true,
        });
      }
      return bookmarks;
    },
    getNextPageParam: (last) => (last.length >= LIMIT ? last.at(-1)!.createdAt : undefined),
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

  const rows = query.data?.pages.flat() ?? [];
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
            <PostArticle
              key={row.post.id}
              id={row.post.id}
              author={row.post.author}
              createdAt={row.post.createdAt}
              edited={false}
              content={row.post.content}
              replyToId={null}
              quoteOfId={null}
              engagement={{ liked: false, bookmarked: true, likeCount: 0, replyCount: 0, shareCount: 0 }}
              position={index + 1}
              setSize={hasNextPage ? -1 : rows.length}
            />
          ))}
        </div>
      )}
      <div ref={sentinel} className="feed-end">
        {isFetchingNextPage ? <Loading label="Loading more bookmarks…" /> : null}
      </div>
    </>
  );
}
