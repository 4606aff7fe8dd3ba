// Notifications: one item per group ("Ada and 12 others liked your post"), live from Firestore, newest
// activity first; opening one marks it read, "Mark all as read" clears the badge. Pending follow
// requests are a screen of their own (/notifications/requests), linked from here while there are any.
import { Link } from "react-router";
import { useMe, useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { notificationHref, unreadBadge } from "../notifications/format.ts";
import { markAllRead, markRead, type NotificationItem, useNotifications } from "../notifications/live.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";

/** The notifications screen. */
export function NotificationsPage() {
  const user = useUser();
  const me = useMe();
  const toasts = useToasts();
  const state = useNotifications(user.uid);
  const requests = state.items.find((item) => item.group.kind === "follow_request");
  const nothingUnread = state.unread === 0;
  const badge = unreadBadge(state.unread);
  return (
    <>
      <h1 className="page-title">Notifications</h1>
      <div className="page-actions">
        {requests ? (
          <Link to="/notifications/requests" className="button small">
            Follow requests <span className="count">{requests.group.actorCount}</span>
          </Link>
        ) : null}
        <button
          type="button"
          className="button small"
          // Not `disabled`: focus stays on the button after it did its job.
          aria-disabled={nothingUnread || !state.hasCounter}
          onClick={() => {
            if (nothingUnread || !state.hasCounter) return;
            markAllRead(user.uid).catch((error: unknown) =>
              toasts.error(`Couldn't mark your notifications read. ${describeError(error)}`),
            );
          }}
        >
          Mark all as read
        </button>
        <span className="sr-only" role="status">
          {state.status === "ready" ? (badge ? badge.label : "Nothing unread") : ""}
        </span>
      </div>
      {state.status === "ready" && state.fromCache ? (
        <p className="notice" role="status">
          Showing notifications saved on this device; Rookery's notification service isn't reachable right
          now.
        </p>
      ) : null}
      {state.status === "loading" ? (
        <Loading label="Loading notifications…" />
      ) : state.status === "error" ? (
        <ErrorState error={state.error} what="your notifications" />
      ) : state.items.length === 0 ? (
        <Empty title="No notifications yet">
          <p>Likes, replies, reposts, mentions and new followers will show up here as they happen.</p>
        </Empty>
      ) : (
        <ul className="notifications" aria-label="Notifications">
          {state.items.map((item) => (
            <NotificationRow
              key={item.id}
              item={item}
              href={notificationHref(item.group, me.data ?? { uid: user.uid })}
              onOpen={() => {
                if (!item.unread) return;
                markRead(user.uid, item.id).catch((error: unknown) =>
                  toasts.error(`Couldn't mark that notification read. ${describeError(error)}`),
                );
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}

function NotificationRow(props: { item: NotificationItem; href: string; onOpen: () => void }) {
  const { group, unread, text } = props.item;
  return (
    <li className={`notification${unread ? " unread" : ""}`}>
      <span className={`notification-icon kind-${group.kind}`} aria-hidden="true" />
      <div className="notification-main">
        <div className="notification-avatars" aria-hidden="true">
          {group.actors.map((actor) => (
            <Avatar
              key={actor.uid}
              name={actor.displayName}
              uid={actor.uid}
              url={actor.avatarUrl}
              size={32}
            />
          ))}
        </div>
        <p className="notification-text">
          {/* The whole item opens it (the link's box covers it, see styles.css). */}
          <Link to={props.href} className="notification-link" onClick={props.onOpen}>
            {unread ? <span className="sr-only">Unread: </span> : null}
            {text}
          </Link>{" "}
          <span className="muted small">
            <RelativeTime iso={group.latestAt.toDate().toISOString()} />
          </span>
        </p>
      </div>
      {unread ? <span className="unread-dot" aria-hidden="true" /> : null}
    </li>
  );
}
