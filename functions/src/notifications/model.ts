// Notification groups, the pure core: what a group is, how the state Postgres reports becomes the
// document a user reads, and how the unread count moves. No I/O here (see reconcile.ts for that).
//
// A group is one document per (recipient, kind, post): "Ada and 12 others liked your post". Its actors
// and count are a pure function of the database (connector/notifications.gql, NotificationGroupStates),
// re-read under the document's lock on every event that may change it. The only state of its own is
// whether it was read: a group becomes unread when it gains an action newer than any it showed.

/** Kinds of notification; each but the account kinds is about one post. */
export const NOTIFICATION_KINDS = [
  "like",
  "reply",
  "repost",
  "quote",
  "comment",
  "mention",
  "follow",
  "follow_request",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
/** Kinds about the recipient's account rather than a post: one group each (new followers, requests). */
export const ACCOUNT_KINDS = ["follow", "follow_request"] as const satisfies readonly NotificationKind[];
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
/** Whether groups of `kind` are about the account (no post). */
export const isAccountKind = (kind: string): kind is AccountKind =>
  (ACCOUNT_KINDS as readonly string[]).includes(kind);
/** Kinds whose post is the recipient's own (the one liked, answered, shared or commented). */
export type OwnPostKind = "like" | "reply" | "repost" | "quote" | "comment";

/** The post an account group stands for in NotificationGroupStates' parallel lists: none. */
export const NO_POST = "00000000000000000000000000000000";

/** Which group: a recipient's notifications of one kind about one post (null for account kinds). */
export interface GroupKey {
  recipient: string;
  kind: NotificationKind;
  post: string | null;
}

/** The group's document id in `users/{recipient}/notifications`: `like_<post>`, ..., `follow`, `follow_request`. */
export function groupId(key: Pick<GroupKey, "kind" | "post">): string {
  return key.post ? `${key.kind}_${key.post}` : key.kind;
}

/** A group key as one string (a batch key), and back. */
export function encodeKey(key: GroupKey): string {
  return JSON.stringify([key.recipient, key.kind, key.post]);
}
export function decodeKey(text: string): GroupKey {
  const [recipient, kind, post] = JSON.parse(text) as [string, NotificationKind, string | null];
  return { recipient, kind, post };
}

/** An account as a group shows it; `at` is when their newest action of the group happened. */
export interface Actor {
  uid: string;
  username: string | null;
  displayName: string;
  avatarUrl: string | null;
  /** RFC 3339, UTC, microseconds (Postgres' precision): these strings order as the instants do. */
  at: string;
}

/** What the database says a group holds now (a row of NotificationGroupStates). */
export interface GroupTruth {
  actorCount: number;
  /** The newest action (RFC 3339 with microseconds). */
  latestAt: string;
  /** The post behind the newest action: the reply, quote, repost, comment or mentioning post. */
  latestPost: string | null;
  /** The newest actors first, at most MAX_ACTORS. */
  actors: Actor[];
}

/** How many actors a group document lists (the count covers them all). */
export const MAX_ACTORS = 3;

/** A group document as stored, times as RFC 3339 with microseconds. */
export interface StoredGroup extends GroupTruth {
  kind: NotificationKind;
  postId: string | null;
  read: boolean;
  /** When the group last gained a newer action (the server's commit time of that write). */
  changedAt: string;
}

/** The per-user notification state (`users/{uid}/notificationState/counter`). */
export interface CounterState {
  /** How many groups are unread: kept equal to that number by every writer, in the same commit. */
  unread: number;
  /** "Mark all read": groups that last changed at or before this instant are read. */
  readThrough: string | null;
  /** The follow group holds follows newer than this (set when a read follow group gets a new one). */
  followsSince: string | null;
}

export const EMPTY_COUNTER: CounterState = { unread: 0, readThrough: null, followsSince: null };

/** Whether a group counts as unread: not marked read, and changed after the last "mark all read". */
export function isUnread(group: Pick<StoredGroup, "read" | "changedAt">, counter: CounterState): boolean {
  return !group.read && (counter.readThrough === null || group.changedAt > counter.readThrough);
}

/** What one reconciliation does to one group document. */
export type GroupPlan =
  | { op: "keep" }
  | { op: "delete"; unreadDelta: -1 | 0 }
  | {
      op: "set";
      /** Display fields (the truth, and what the group is about). */
      fields: GroupTruth & { kind: NotificationKind; postId: string | null };
      /** A newer action than the group showed: it becomes unread, `changedAt` is this write's time. */
      newActivity: boolean;
      unreadDelta: 1 | 0;
    };

/**
 * The change that makes `stored` (absent: no document) show `truth` (absent: no actors left). Pure and
 * idempotent: planning again against the result keeps it. A group that only lost actors, or whose actors
 * renamed themselves, keeps its read state.
 */
export function planGroup(
  key: Pick<GroupKey, "kind" | "post">,
  stored: StoredGroup | undefined,
  truth: GroupTruth | undefined,
  counter: CounterState,
): GroupPlan {
  const wasUnread = stored !== undefined && isUnread(stored, counter);
  if (!truth || truth.actorCount === 0) {
    return stored ? { op: "delete", unreadDelta: wasUnread ? -1 : 0 } : { op: "keep" };
  }
  const newActivity = !stored || truth.latestAt > stored.latestAt;
  if (stored && !newActivity && sameTruth(stored, truth)) return { op: "keep" };
  return {
    op: "set",
    fields: { kind: key.kind, postId: key.post, ...truth },
    newActivity,
    unreadDelta: newActivity && !wasUnread ? 1 : 0,
  };
}

function sameTruth(a: GroupTruth, b: GroupTruth): boolean {
  return (
    a.actorCount === b.actorCount &&
    a.latestAt === b.latestAt &&
    a.latestPost === b.latestPost &&
    a.actors.length === b.actors.length &&
    a.actors.every((x, i) => {
      const y = b.actors[i]!;
      return (
        x.uid === y.uid &&
        x.at === y.at &&
        x.username === y.username &&
        x.displayName === y.displayName &&
        x.avatarUrl === y.avatarUrl
      );
    })
  );
}

/**
 * Where a new follow period starts, or null to keep the current one. The follow group holds "new
 * followers since you last caught up": once it has been read, a follow newer than what it showed
 * starts a new period after everything it showed, so it never grows into a list of all followers.
 */
export function nextFollowPeriod(
  stored: StoredGroup | undefined,
  truth: GroupTruth | undefined,
  counter: CounterState,
): string | null {
  if (!stored || !truth || isUnread(stored, counter)) return null;
  return truth.latestAt > stored.latestAt ? stored.latestAt : null;
}
