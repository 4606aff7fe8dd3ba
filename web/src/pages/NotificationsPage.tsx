// Notifications are written by Cloud Functions into Firestore (users/{uid}/notifications) with Social II;
// until then this screen says so instead of showing an empty list that looks like silence.
import { Empty } from "../ui/states.tsx";

/** The notifications screen. */
export function NotificationsPage() {
  return (
    <>
      <h1 className="page-title">Notifications</h1>
      <Empty title="No notifications yet">
        <p>
          Likes, replies, reposts, mentions and new followers will show up here. Rookery's notification
          service is not switched on for this server yet.
        </p>
      </Empty>
    </>
  );
}
