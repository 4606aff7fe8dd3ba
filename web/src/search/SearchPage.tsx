// /search?q=…&tab=people|posts: the accounts (SearchUsers) and the posts (SearchPosts, web-search syntax)
// a query finds, each an infinite list, behind two tabs.
import { type KeyboardEvent, useRef } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMe } from "../auth/session.tsx";
import { Feed } from "../feed/Feed.tsx";
import { TrendingTags } from "../hashtags/TrendingTags.tsx";
import { tagPath } from "../hashtags/tags.ts";
import { PersonRow } from "../people/PersonRow.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { useLoadMoreOnScroll } from "../ui/useLoadMoreOnScroll.ts";
import { SearchBox } from "./SearchBox.tsx";
import { hashtagQuery, normalizeQuery, type SearchTab, searchPath, searchTab } from "./searchParams.ts";
import { usePeopleSearch } from "./usePeopleSearch.ts";

const TABS: [SearchTab, string][] = [
  ["people", "People"],
  ["posts", "Posts"],
];

/** The search screen. */
export function SearchPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const query = normalizeQuery(params.get("q"));
  const tab = searchTab(params);
  const tag = hashtagQuery(query);

  function select(next: SearchTab) {
    navigate(searchPath(query, next), { replace: true });
  }
  function arrows(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const next = tab === "people" ? "posts" : "people";
    select(next);
    document.getElementById(`search-tab-${next}`)?.focus();
  }

  return (
    <>
      <h1 className="page-title">{query ? `Search: ${query}` : "Search"}</h1>
      {/* The layout's box is in the rail, which narrow screens hide. */}
      <div className="only-narrow">
        <SearchBox />
      </div>
      {!query ? (
        <>
          <Empty title="Search Rookery">
            <p>
              Find people by name or @username, and posts by their words: <code>"a phrase"</code>,{" "}
              <code>-without</code>, <code>this OR that</code>. A <code>#tag</code> opens its page.
            </p>
          </Empty>
          <div className="only-narrow">
            <TrendingTags />
          </div>
        </>
      ) : (
        <>
          {tag ? (
            <p className="search-tag-hint">
              <Link to={tagPath(tag)}>See every post tagged #{tag}</Link>
            </p>
          ) : null}
          <div role="tablist" aria-label="Search results" className="tabs" onKeyDown={arrows}>
            {TABS.map(([id, name]) => (
              <button
                key={id}
                id={`search-tab-${id}`}
                type="button"
                role="tab"
                className="tab"
                aria-selected={tab === id}
                aria-controls={`search-panel-${id}`}
                tabIndex={tab === id ? 0 : -1}
                onClick={() => select(id)}
              >
                {name}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`search-panel-${tab}`} aria-labelledby={`search-tab-${tab}`}>
            {tab === "people" ? (
              <PeopleResults query={query} />
            ) : (
              <Feed
                key={query}
                source={{ kind: "search", query }}
                label={`Posts matching ${query}`}
                empty={
                  <Empty title="No posts found">
                    No post you can see matches “{query}”. Try other words, or fewer.
                  </Empty>
                }
              />
            )}
          </div>
        </>
      )}
    </>
  );
}

/** The accounts a query finds, with Follow buttons, loading more on scroll. */
function PeopleResults({ query }: { query: string }) {
  const me = useMe();
  const search = usePeopleSearch(query);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isFetchNextPageError, error } = search;
  useLoadMoreOnScroll(sentinel, { hasNextPage, isFetchingNextPage, fetchNextPage });

  if (search.isPending) return <Loading label="Finding people…" />;
  if (search.isError) return <ErrorState error={search.error} retry={() => search.refetch()} what="people" />;
  if (search.people.length === 0) {
    return <Empty title="Nobody found">No account’s name or username starts with “{query}”.</Empty>;
  }
  return (
    <>
      <ul
        className="people search-people"
        aria-label={`People matching ${query}`}
        aria-busy={search.isFetching}
      >
        {search.people.map((person) => (
          <PersonRow
            key={person.uid}
            person={person}
            detail={`${person.followerCount} ${person.followerCount === 1 ? "follower" : "followers"}${person.isPrivate ? " · private" : ""}`}
            showFollow={person.uid !== me.data?.uid}
            // A private account may have the viewer's request pending: its button asks the profile.
            following={person.isPrivate ? undefined : person.followedByMe}
          />
        ))}
      </ul>
      <div ref={sentinel} className="feed-end">
        {isFetchingNextPage ? (
          <Loading label="Loading more people…" />
        ) : hasNextPage ? (
          <button type="button" className="button" onClick={() => fetchNextPage()}>
            Load more
          </button>
        ) : null}
        {isFetchNextPageError ? (
          <ErrorState error={error} retry={() => fetchNextPage()} what="more people" />
        ) : null}
      </div>
    </>
  );
}
