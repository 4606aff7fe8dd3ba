// A feed (ARIA feed pattern): articles that load more as the reader nears the end, by scrolling or by
// the "Load more" button; Page Down / Page Up move between posts.
import { useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, type ReactNode, useRef } from "react";
import { PostCard } from "../posts/PostCard.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { useLoadMoreOnScroll } from "../ui/useLoadMoreOnScroll.ts";
import { type FeedSource, resetFeed, useFeed, useNewerPosts } from "./useFeed.ts";

/** An infinite feed of posts, labelled `label`, with `empty` shown when it has none. */
export function Feed({ source, label, empty }: { source: FeedSource; label: string; empty: ReactNode }) {
  const feed = useFeed(source);
  const queryClient = useQueryClient();
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isFetchNextPageError, error } = feed;
  const newer = useNewerPosts(source, feed.isSuccess ? (feed.items[0] ?? null) : undefined);

  useLoadMoreOnScroll(sentinel, { hasNextPage, isFetchingNextPage, fetchNextPage });

  if (feed.isPending) return <Loading label="Loading posts…" />;
  if (feed.isError) return <ErrorState error={feed.error} retry={() => feed.refetch()} what="posts" />;

  return (
    <>
      {newer ? (
        <button type="button" className="button new-posts" onClick={() => resetFeed(queryClient, source)}>
          Show new posts
        </button>
      ) : null}
      {feed.items.length === 0 ? (
        empty
      ) : (
        <div role="feed" aria-label={label} aria-busy={feed.isFetching} className="feed" onKeyDown={movePage}>
          {feed.items.map((item, index) => (
            <PostCard
              key={item.id}
              item={item}
              position={index + 1}
              setSize={hasNextPage ? -1 : feed.items.length}
            />
          ))}
        </div>
      )}
      <div ref={sentinel} className="feed-end">
        {isFetchingNextPage ? (
          <Loading label="Loading more posts…" />
        ) : hasNextPage ? (
          <button type="button" className="button" onClick={() => fetchNextPage()}>
            Load more
          </button>
        ) : feed.items.length > 0 ? (
          <p className="muted">You're all caught up.</p>
        ) : null}
        {isFetchNextPageError ? (
          <ErrorState error={error} retry={() => fetchNextPage()} what="more posts" />
        ) : null}
      </div>
    </>
  );
}

/** Page Down / Page Up move focus to the next / previous article of the feed. */
function movePage(event: KeyboardEvent<HTMLDivElement>) {
  if (event.key !== "PageDown" && event.key !== "PageUp") return;
  const articles = [...event.currentTarget.querySelectorAll<HTMLElement>(":scope > article")];
  const current = articles.findIndex((a) => a.contains(document.activeElement));
  if (current < 0) return;
  const next = articles[current + (event.key === "PageDown" ? 1 : -1)];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}
