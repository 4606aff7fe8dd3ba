// /notifications/requests: the follow requests to a private account (people/FollowRequests.tsx, the list
// Settings shows too), and a pointer to Settings while the account is public.
import { Link } from "react-router";
import { useMe } from "../auth/session.tsx";
import { FollowRequests } from "../people/FollowRequests.tsx";

/** /notifications/requests. */
export function FollowRequestsPage() {
  const me = useMe();
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
          Your account is public: anyone can follow you. Make it private in{" "}
          <Link to="/settings">Settings</Link> to approve followers first.
        </p>
      ) : null}
      <FollowRequests />
    </>
  );
}
