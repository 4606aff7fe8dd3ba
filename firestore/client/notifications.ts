// Client side of notifications, for apps on the web SDK: the live list, the unread count, the words a
// group reads as, and marking read. Cloud Functions write the documents (functions/src/notifications);
// firestore.rules let their owner read them and only mark them read, exactly as these helpers do.
import {
  type CollectionReference,
  collection,
  type DocumentReference,
  doc,
  type Firestore,
  increment,
  limit,
  orderBy,
  type Query,
  query,
  serverTimestamp,
  type Timestamp,
  updateDoc,
  writeBatch,
} from "firebase/firestore";
import { z } from "zod";

// A Timestamp of any Firestore SDK (the web SDK's, or firebase-admin's in a server or a test).
const timestamp = z.custom<Timestamp>(
  (v) => typeof (v as Timestamp)?.seconds === "number" && typeof (v as Timestamp)?.nanoseconds === "number",
  "expected a Timestamp",
);

/** A notification group as stored in `users/{uid}/notifications/{kind}_{post}` (or `.../follow`). */
export const NotificationGroup = z.object({
  kind: z.enum(["like", "reply", "repost", "quote", "comment", "mention", "follow", "follow_request"]),
  /** The post it is about: the recipient's own (likes, replies, ...) or the mentioning post. */
  postId: z.string().nullable(),
  /** The post behind the newest action: the reply, quote, repost, comment or mention to open. */
  latestPostId: z.string().nullable(),
  actorCount: z.number().int().positive(),
  latestAt: timestamp,
  /** The newest actors first, at most three; `actorCount` counts them all. */
  actors: z
    .array(
      z.object({
        uid: z.string(),
        username: z.string().nullable(),
        displayName: z.string(),
        avatarUrl: z.string().nullable(),
        at: timestamp,
      }),
    )
    .max(3),
  read: z.boolean(),
  changedAt: timestamp,
});
export type NotificationGroup = z.infer<typeof NotificationGroup>;

/** The unread count and "mark all read" instant (`users/{uid}/notificationState/counter`). */
export const NotificationCounter = z.object({
  unread: z.number().int().nonnegative(),
  readThrough: timestamp.nullable(),
});
export type NotificationCounter = z.infer<typeof NotificationCounter>;

/** A user's notification groups, newest activity first (what the notifications screen listens to). */
export function notificationsQuery(db: Firestore, uid: string, max = 50): Query {
  return query(notifications(db, uid), orderBy("latestAt", "desc"), limit(max));
}

/** The document holding a user's unread count. */
export function notificationCounter(db: Firestore, uid: string): DocumentReference {
  return doc(db, `users/${uid}/notificationState/counter`);
}

/** The group of a user's pending follow requests (`follow_request`; absent when none asked). */
export function followRequestGroup(db: Firestore, uid: string): DocumentReference {
  return doc(notifications(db, uid), "follow_request");
}

const notifications = (db: Firestore, uid: string): CollectionReference =>
  collection(db, `users/${uid}/notifications`);

/** Whether a group shows as new: not marked read, and changed since the last "mark all read". */
export function isUnread(group: NotificationGroup, counter: NotificationCounter | undefined): boolean {
  const through = counter?.readThrough;
  return !group.read && (!through || after(group.changedAt, through));
}
const after = (a: Timestamp, b: Timestamp) =>
  a.seconds > b.seconds || (a.seconds === b.seconds && a.nanoseconds > b.nanoseconds);

const VERBS: Record<NotificationGroup["kind"], string> = {
  like: "liked your post",
  reply: "replied to your post",
  repost: "reposted your post",
  quote: "quoted your post",
  comment: "commented on your post",
  mention: "mentioned you",
  follow: "followed you",
  follow_request: "asked to follow you",
};

/** The group in words: "Ada liked your post", "Ada and Bob ...", "Ada and 12 others ...". */
export function describeGroup(group: NotificationGroup): string {
  const [first, second] = group.actors.map((a) => a.displayName);
  const others = group.actorCount - 1;
  const who =
    others === 0
      ? first
      : others === 1 && second
        ? `${first} and ${second}`
        : `${first} and ${others} ${others === 1 ? "other" : "others"}`;
  return `${who} ${VERBS[group.kind]}`;
}

/**
 * Marks one unread group read: the group's flag and one off the counter, in one batch (the rules
 * refuse either alone). Works offline: the batch waits in the SDK's cache; the promise resolves when
 * the server accepted it. The server refuses it if the group is gone or was read meanwhile.
 */
export function markNotificationRead(db: Firestore, uid: string, groupId: string): Promise<void> {
  const batch = writeBatch(db);
  batch.update(doc(notifications(db, uid), groupId), { read: true });
  batch.update(notificationCounter(db, uid), { unread: increment(-1), lastRead: groupId });
  return batch.commit();
}

/** Marks everything read as of the server's time of this write (works offline, like the above). */
export function markAllNotificationsRead(db: Firestore, uid: string): Promise<void> {
  return updateDoc(notificationCounter(db, uid), { unread: 0, readThrough: serverTimestamp() });
}
