// The notification screen's pure parts: what the unread badge says, and where a notification leads.
import type { NotificationGroup } from "../../../firestore/client/notifications.ts";
import { profilePath } from "../profile/handles.ts";

/** The badge's text ("1" … "99", then "99+") and its spoken form, or null when nothing is unread. */
export function unreadBadge(count: number): { text: string; label: string } | null {
  if (!Number.isFinite(count) || count <= 0) return null;
  const text = count > 99 ? "99+" : String(Math.floor(count));
  return { text, label: `${text} unread` };
}

/** Where a notification group is opened: the post it is about, the answer to it, or the people. */
export function notificationHref(
  group: NotificationGroup,
  me: { uid: string; username?: string | null },
): string {
  switch (group.kind) {
    case "follow":
      // One new follower: their profile; several: your followers, newest first.
      return group.actorCount === 1 && group.actors[0]
        ? profilePath(group.actors[0])
        : `${profilePath(me)}/followers`;
    case "follow_request":
      return "/notifications/requests";
    case "like":
    case "repost":
    case "comment":
      // The post that was liked, shared or commented (its thread shows the comments).
      return group.postId ? `/p/${group.postId}` : profilePath(me);
    default: {
      // Replies, quotes and mentions: the newest answer itself (its thread shows what it answers).
      const post = group.latestPostId ?? group.postId;
      return post ? `/p/${post}` : profilePath(me);
    }
  }
}
