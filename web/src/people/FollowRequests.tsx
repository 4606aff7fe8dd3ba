// Follow requests to a private account (Data Connect FollowRequests, newest first, keyset pages), the
// one list both /notifications/requests and Settings show: approve or decline each; the row goes at
// once and comes back, with the reason, if the server refuses. A new request refreshes the list (the
// `follow_request` notification group, live).
import { approveFollowRequest, declineFollowRequest, followRequestsRef } from "@rookery/dataconnect";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { FIRST_FOLLOW_PAGE, type FollowRow, followPage } from "../../../dataconnect/client/users.ts";
import { useRefreshMe, useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { useFollowRequestsVersion } from "../notifications/live.ts";
import { MoreButton } from "../ui/MoreButton.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";
import { PersonRow } from "./PersonRow.tsx";

const LIMIT = 30;
const REQUESTS_KEY = ["followRequests"] as const;

type Cursor = { beforeTime: string; afterUid: string };

/** The signed-in account's pending follow requests, each with Approve and Decline, live. */
export function FollowRequests() {
  const uid = useUser().uid;
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
  useRefetchOnNewRequest(uid, () => void queryClient.invalidateQueries({ queryKey: REQUESTS_KEY }));
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

  if (list.isPending) return <Loading label="Loading follow requests…" />;
  if (list.isError)
    return <ErrorState error={list.error} retry={() => list.refetch()} what="your follow requests" />;
  if (rows.length === 0)
    return (
      <Empty title="No follow requests">People who ask to follow your private account show up here.</Empty>
    );
  return (
    <>
      <ul className="people" aria-label="Follow requests">
        {rows.map((person) => (
          <PersonRow
            key={person.uid}
            person={person}
            detail={
              <>
                Asked <RelativeTime iso={person.createdAt} />
              </>
            }
            actions={
              <>
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
              </>
            }
          />
        ))}
      </ul>
      <MoreButton list={list} />
    </>
  );
}

/** Calls `refetch` when a follow request arrives or goes after the first look (not for the first look). */
function useRefetchOnNewRequest(uid: string, refetch: () => void) {
  const version = useFollowRequestsVersion(uid);
  const seen = useRef<string | null>(null);
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => {
    if (version === null) return;
    if (seen.current !== null && seen.current !== version) latest.current();
    seen.current = version;
  }, [version]);
}
