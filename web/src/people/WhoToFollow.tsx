// Who to follow: friends of friends you don't follow yet, ranked by how many of your follows know them.

import { whoToFollowRef } from "@rookery/dataconnect";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { z } from "zod";
import { fetchFromServer, operationKey } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { ErrorState, Loading } from "../ui/states.tsx";
import { PersonRow } from "./PersonRow.tsx";

// WhoToFollow is native SQL: its rows are validated here.
const Suggestion = z.object({
  uid: z.string(),
  username: z.string().nullable(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  knownBy: z.number().int(),
});

/** A short list of suggested accounts. */
export function WhoToFollow() {
  const ref = whoToFollowRef(dataConnect, { limit: 5 });
  const query = useQuery({
    queryKey: operationKey(ref.name, ref.variables),
    queryFn: async () => z.array(Suggestion).parse((await fetchFromServer(ref))._select ?? []),
    staleTime: 60_000,
  });
  return (
    <section className="card who-to-follow" aria-labelledby="who-to-follow-title">
      <h2 id="who-to-follow-title">Who to follow</h2>
      {query.isPending ? (
        <Loading label="Finding people…" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => query.refetch()} what="suggestions" />
      ) : query.data.length === 0 ? (
        <p className="muted">
          Follow a few people and we'll suggest who they follow. Start on <Link to="/explore">Explore</Link>.
        </p>
      ) : (
        <ul className="people" aria-label="Suggested accounts">
          {query.data.map((s) => (
            <PersonRow key={s.uid} person={s} detail={`Followed by ${s.knownBy} you follow`} showFollow />
          ))}
        </ul>
      )}
    </section>
  );
}
