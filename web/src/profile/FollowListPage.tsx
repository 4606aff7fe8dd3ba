// Followers and following of a profile, newest first, keyset-paginated by (createdAt, uid); rows are
// validated by the Data Connect client helper (dataconnect/client/users.ts).

import { followersRef, followingRef } from "@rookery/dataconnect";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { FIRST_FOLLOW_PAGE, followPage } from "../../../dataconnect/client/users.ts";
import { useMe } from "../auth/session.tsx";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { PersonRow } from "../people/PersonRow.tsx";
import { MoreButton } from "../ui/MoreButton.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { profilePath, resolveHandle } from "./handles.ts";
import { profileQuery } from "./ProfilePage.tsx";

const LIMIT = 30;

type FollowCursor = { beforeTime: string; afterUid: string };

/** /u/:handle/followers and /u/:handle/following. */
export function FollowListPage({ direction }: { direction: "followers" | "following" }) {
  const { handle = "" } = useParams();
  const uid = resolveHandle(handle);
  const me = useMe();
  const profile = useQuery(profileQuery(uid));
  const list = useInfiniteQuery({
    queryKey: ["follows", direction, uid],
    initialPageParam: FIRST_FOLLOW_PAGE as FollowCursor,
    queryFn: async ({ pageParam }) => {
      const vars = { uid, ...pageParam, limit: LIMIT };
      const ref =
        direction === "followers" ? followersRef(dataConnect, vars) : followingRef(dataConnect, vars);
      return followPage((await fetchFromServer(ref)).follows ?? [], LIMIT);
    },
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const user = profile.data?.user;
  const name = user?.displayName ?? handle;
  const title = direction === "followers" ? `People following ${name}` : `People ${name} follows`;
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <h1 className="page-title">{title}</h1>
      {user ? (
        <nav aria-label="Follow lists" className="tabs">
          <Link to={profilePath(user)}>Profile</Link>
          <Link
            to={`${profilePath(user)}/followers`}
            aria-current={direction === "followers" ? "page" : undefined}
          >
            Followers
          </Link>
          <Link
            to={`${profilePath(user)}/following`}
            aria-current={direction === "following" ? "page" : undefined}
          >
            Following
          </Link>
        </nav>
      ) : null}
      {list.isPending ? (
        <Loading label="Loading people…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} what="this list" />
      ) : rows.length === 0 ? (
        <Empty title={direction === "followers" ? "No followers yet" : "Not following anyone yet"} />
      ) : (
        <ul className="people" aria-label={title}>
          {rows.map((person) => (
            <PersonRow key={person.uid} person={person} showFollow={person.uid !== me.data?.uid} />
          ))}
        </ul>
      )}
      <MoreButton list={list} />
    </>
  );
}
