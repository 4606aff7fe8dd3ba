// Follow requests to a private account (Data Connect FollowRequests, newest first, keyset pages):
// approve or decline each; the row goes at once and comes back, with the reason, if the server refuses.
import { approveFollowRequest, declineFollowRequest, followRequestsRef } from "@rookery/dataconnect";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { FIRST_FOLLOW_PAGE, type FollowRow, followPage } from "../../../dataconnect/client/users.ts";
import { useMe, useRefreshMe } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { handleOf, profilePath } from "../profile/handles.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";

const LIMIT = 30;
const REQUESTS_KEY = ["followRequests"] as const;

type Cursor = { beforeTime: string; afterUid: string };

/** /notifications/requests. */
export function FollowRequestsPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const refreshMe = useRefreshMe();
  const toasts = useToasts();
  // Rows answered here and not refused (yet): hidden at once, shown again if the server says no.
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  const list = useInfiniteQuery({
    queryKey: REQUESTS_KEY,
    initialPageParam: FIRST_FOLLOW_PAGE as Cursor,
    queryFn: async ({ pageParam }) =>
      followPage(
        (await fetchFromServer(followRequestsRef(dataConnect, { ...pageParam, limit: LIMIT }))).requests ??
          [],
        LIMIT,
      ),
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const rows = (list.data?.pages.flatMap((p) => p.items) ?? []).filter((r) => !answered.has(r.uid));

  async function answer(person: FollowRow, approve: boolean) {
    setAnswered((s) => new Set(s).add(person.uid));
    // The row (and the focused button) goes: focus the page, not the document's start.
    document.getElementById("main")?.focus({ preventScroll: true });
    try {
      if (approve) await approveFollowRequest(dataConnect, { requesterUid: person.uid });
      else await declineFollowRequest(dataConnect, { requesterUid: person.uid });
      toasts.info(
        approve ? `${person.displayName} now follows you.` : `Declined ${person.displayName}'s request.`,
      );
      if (approve) refreshMe();
      void queryClient.invalidateQueries({ queryKey: ["GetProfile"] });
      void queryClient.invalidateQueries({ queryKey: ["follows"] });
    } catch (error) {
      setAnswered((s) => {
        const next = new Set(s);
        next.delete(person.uid);
        return next;
      });
      toasts.error(
        `Couldn't ${approve ? "approve" : "decline"} ${person.displayName}'s request. ${describeError(error)}`,
      );
      void list.refetch();
    }
  }

  return (
    <>
      <h1 className="page-title">Follow requests</h1>
      <div className="page-actions">
        <Link to="/notifications" className="button small">
          All notifications
        </Link>
      </div>
      {me.data && !me.data.isPrivate ? (
        <p className="notice">
          Your account is public: anyone can follow you. Make it private in Edit profile to approve followers
          first.
        </p>
      ) : null}
      {list.isPending ? (
        <Loading label="Loading follow requests…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} what="your follow requests" />
      ) : rows.length === 0 ? (
        <Empty title="No follow requests">People who ask to follow your private account show up here.</Empty>
      ) : (
        <ul className="people" aria-label="Follow requests">
          {rows.map((person) => (
            <li key={person.uid} className="person">
              <Avatar name={person.displayName} uid={person.uid} url={person.avatarUrl} size={40} />
              <div className="person-main">
                <Link to={profilePath(person)} className="author">
                  {person.displayName}
                </Link>
                <span className="handle">{handleOf(person) ?? ""}</span>
                <span className="muted small">
                  Asked <RelativeTime iso={person.createdAt} />
                </span>
              </div>
              <div className="row">
                <button
                  type="button"
                  className="button small primary"
                  aria-label={`Approve ${person.displayName}`}
                  onClick={() => answer(person, true)}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="button small"
                  aria-label={`Decline ${person.displayName}`}
                  onClick={() => answer(person, false)}
                >
                  Decline
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {list.hasNextPage ? (
        <button
          type="button"
          className="button"
          disabled={list.isFetchingNextPage}
          onClick={() => list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? "Loading…" : "Show more"}
        </button>
      ) : null}
    </>
  );
}
