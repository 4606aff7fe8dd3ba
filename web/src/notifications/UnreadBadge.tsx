// The unread count on the "Notifications" navigation link: a number you see ("3", "99+") and words a
// screen reader hears as part of the link's name ("Notifications 3 unread").
import { useUser } from "../auth/session.tsx";
import { unreadBadge } from "./format.ts";
import { useUnreadCount } from "./live.ts";

/** The signed-in person's unread notifications, live; nothing when there are none. */
export function UnreadBadge() {
  const badge = unreadBadge(useUnreadCount(useUser().uid));
  if (!badge) return null;
  return (
    <span className="nav-count">
      <span aria-hidden="true">{badge.text}</span>
      <span className="sr-only"> {badge.label}</span>
    </span>
  );
}
