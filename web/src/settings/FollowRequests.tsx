// Follow requests to a private account (FollowRequests): approve or decline each.
import { approveFollowRequest, declineFollowRequest, followRequestsRef } from "@rookery/dataconnect";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { z } from "zod";
import { useRefreshMe } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { fetchFromServer, operationKey } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { handleOf, profilePath } from "../profile/handles.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { useToasts } from "../ui/toasts.tsx";

// FollowRequests is native SQL: its rows are validated here.
const Request = z.object({
  createdAt: z.string(),
  uid: z.string().min(1),
  username: z.string().nullable(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});

/** The newest 50 pending requests, each with Approve and Decline. */
export function FollowRequests() {
  const ref = followRequestsRef(dataConnect, { beforeTime: "9999-12-31T23:59:59Z", afterUid: "", limit: 50 });
  const queryClient = useQueryClient();
  const refreshMe = useRefreshMe();
  const toasts = useToasts();
  const [busy, setBusy] = useState<string | null>(null);
  const query = useQuery({
    queryKey: operationKey(ref.name, ref.variables),
    queryFn: async () => z.array(Request).parse((await fetchFromServer(ref)).requests ?? []),
    refetchInterval: 30_000,
  });

  async function answer(uid: string, name: string, approve: boolean) {
    setBusy(uid);
    try {
      if (approve) await approveFollowRequest(dataConnect, { requesterUid: uid });
      else await declineFollowRequest(dataConnect, { requesterUid: uid });
      toasts.info(approve ? `${name} follows you now.` : `You declined ${name}'s request.`);
      refreshMe();
    } catch (error) {
      toasts.error(describeError(error));
    } finally {
      setBusy(null);
      await queryClient.invalidateQueries({ queryKey: operationKey(ref.name, ref.variables) });
    }
  }

  return (
    <div className="follow-requests">
      <h3 id="follow-requests-title">Follow requests</h3>
      {query.isPending ? (
        <Loading label="Loading requests…" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => query.refetch()} what="follow requests" />
      ) : query.data.length === 0 ? (
        <p className="muted">No one is waiting for your approval.</p>
      ) : (
        <ul className="people" aria-labelledby="follow-requests-title">
          {query.data.map((r) => (
            <li key={r.uid} className="person">
              <Avatar name={r.displayName} uid={r.uid} url={r.avatarUrl} size={40} />
              <div className="person-main">
                <Link to={profilePath(r)} className="author">
                  {r.displayName}
                </Link>
                <span className="handle">{handleOf(r) ?? ""}</span>
              </div>
              <div className="row">
                <button
                  type="button"
                  className="button small primary"
                  aria-label={`Approve ${r.displayName}`}
                  disabled={busy === r.uid}
                  onClick={() => answer(r.uid, r.displayName, true)}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="button small"
                  aria-label={`Decline ${r.displayName}`}
                  disabled={busy === r.uid}
                  onClick={() => answer(r.uid, r.displayName, false)}
                >
                  Decline
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
