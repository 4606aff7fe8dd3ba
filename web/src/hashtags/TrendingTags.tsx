// Trending: the hashtags most accounts used in the last 24 hours (TrendingHashtags), linking to their pages.
import { trendingHashtagsRef } from "@rookery/dataconnect";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { trendingTags } from "../../../dataconnect/client/search.ts";
import { fetchFromServer, operationKey } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { ErrorState, Loading } from "../ui/states.tsx";
import { tagPath } from "./tags.ts";

/** The trending box. */
export function TrendingTags({ limit = 8 }: { limit?: number }) {
  const ref = trendingHashtagsRef(dataConnect, { limit });
  const query = useQuery({
    queryKey: operationKey(ref.name, ref.variables),
    queryFn: async () => trendingTags((await fetchFromServer(ref)).tags ?? []),
    staleTime: 60_000,
    refetchInterval: 120_000,
  });
  return (
    <section className="card trending" aria-labelledby="trending-title">
      <h2 id="trending-title">Trending</h2>
      {query.isPending ? (
        <Loading label="Finding what's trending…" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => query.refetch()} what="trending tags" />
      ) : query.data.length === 0 ? (
        <p className="muted">No hashtags in the last 24 hours yet. Start one: write #something in a post.</p>
      ) : (
        <ol className="trending-list" aria-label="Trending hashtags, last 24 hours">
          {query.data.map((t) => (
            <li key={t.tag}>
              <Link to={tagPath(t.tag)} className="trending-tag">
                #{t.tag}
              </Link>
              <span className="muted small">
                {t.posts} {t.posts === 1 ? "post" : "posts"} · {t.authors}{" "}
                {t.authors === 1 ? "person" : "people"}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
