// Notifications: one item per group ("Ada and 12 others liked your post"), live from Firestore, newest
// activity first; opening one marks it read, "Mark all as read" clears the badge. Pending follow
// requests are a screen of their own (/notifications/requests), linked from here while there are any.
import { useState } from "react";
import { Link } from "react-router";
import { useMe, useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { notificationHref, unreadBadge } from "../notifications/format.ts";
import { markAllRead, markRead, type NotificationItem, useNotifications } from "../notifications/live.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";

/** How many groups the screen listens to at first, and how many more each "Show older" adds. */
const PAGE = 50;

/** The notifications screen. */
export function NotificationsPage() {
  const user = useUser();
  const me = useMe();
  const toasts = useToasts();
  const [max, setMax] = useState(PAGE);
  const state = useNotifications(user.uid, max);
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
      {state.status === "ready" && state.more ? (
        <button type="button" className="button" onClick={() => setMax((m) => m + PAGE)}>
          Show older notifications
        </button>
      ) : null}
    </>
  );
}

/** What happened, at a glance (the words say it too). */
const KIND_ICONS: Record<NotificationItem["group"]["kind"], string> = {
  like: "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.5-7 10-7 10z",
  repost: "M5 10V8a2 2 0 0 1 2-2h11l-3-3M19 14v2a2 2 0 0 1-2 2H6l3 3",
  quote: "M6 7h5v5c0 3-2 5-5 6M13 7h5v5c0 3-2 5-5 6",
  reply: "M4 5h16v11H9l-5 4z",
  comment: "M4 5h16v11H9l-5 4zM8 9h8M8 12h5",
  mention: "M16 12a4 4 0 1 1-8 0 4 4 0 0 1 8 0v1.5a2.5 2.5 0 0 0 5 0V12a9 9 0 1 0-3.5 7.1",
  follow: "M10 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM3 21a7 7 0 0 1 14 0M19 8v6M16 11h6",
  follow_request: "M10 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM3 21a7 7 0 0 1 14 0M17 10h5M17 13h5",
};

function NotificationRow(props: { item: NotificationItem; href: string; onOpen: () => void }) {
  const { group, unread, text } = props.item;
  return (
    <li className={`notification${unread ? " unread" : ""}`}>
      <svg
        className={`notification-icon kind-${group.kind}`}
        viewBox="0 0 24 24"
        width="26"
        height="26"
        aria-hidden="true"
        focusable="false"
      >
        <path
          d={KIND_ICONS[group.kind]}
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinejoin="round"
        />
      </svg>
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
