// The Firestore side of notifications: where the documents live, and how model values map to fields
// (times are Firestore Timestamps there, RFC 3339 strings with microseconds in the model).
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { rfc3339Micros } from "../firestore/time.ts";
import {
  type Actor,
  type CounterState,
  EMPTY_COUNTER,
  type GroupPlan,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type StoredGroup,
} from "./model.ts";

/** A user's notification groups. */
export const notificationsPath = (uid: string) => `users/${uid}/notifications`;
/** A user's unread count, "mark all read" instant and follow period (the only document of its kind). */
export const counterPath = (uid: string) => `users/${uid}/notificationState/counter`;

/** RFC 3339 (any fraction digits, `Z`) as a Firestore Timestamp, exact to the microsecond. */
export function timestampOf(rfc3339: string): Timestamp {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(rfc3339);
  if (!m) throw new Error(`not an RFC 3339 UTC time: ${rfc3339}`);
  const seconds = Date.parse(`${m[1]}Z`) / 1000;
  const nanos = Number((m[2] ?? "").padEnd(9, "0").slice(0, 6)) * 1000;
  return new Timestamp(seconds, nanos);
}

const isTimestamp = (v: unknown): v is Timestamp => v instanceof Timestamp;
const timeOrNull = (v: unknown) => (isTimestamp(v) ? rfc3339Micros(v) : null);

/** The counter document's state (absent: nothing unread yet). */
export function readCounter(data: Record<string, unknown> | undefined): CounterState {
  if (!data) return EMPTY_COUNTER;
  return {
    unread: typeof data.unread === "number" ? data.unread : 0,
    readThrough: timeOrNull(data.readThrough),
    followsSince: timeOrNull(data.followsSince),
  };
}

/** A stored group document as the model sees it, or undefined if it is not one (never written by us). */
export function readGroup(data: Record<string, unknown> | undefined): StoredGroup | undefined {
  if (!data || !NOTIFICATION_KINDS.includes(data.kind as NotificationKind)) return undefined;
  const latestAt = timeOrNull(data.latestAt);
  const changedAt = timeOrNull(data.changedAt);
  if (!latestAt || !changedAt || !Array.isArray(data.actors)) return undefined;
  return {
    kind: data.kind as NotificationKind,
    postId: typeof data.postId === "string" ? data.postId : null,
    actorCount: Number(data.actorCount ?? 0),
    latestAt,
    latestPost: typeof data.latestPostId === "string" ? data.latestPostId : null,
    actors: (data.actors as Record<string, unknown>[]).map((a) => ({
      uid: String(a.uid),
      username: typeof a.username === "string" ? a.username : null,
      displayName: String(a.displayName ?? ""),
      avatarUrl: typeof a.avatarUrl === "string" ? a.avatarUrl : null,
      at: timeOrNull(a.at) ?? latestAt,
    })),
    read: data.read === true,
    changedAt,
  };
}

/** The document a "set" plan writes (a whole document: every field is derived). */
export function groupDocument(
  plan: Extract<GroupPlan, { op: "set" }>,
  stored: StoredGroup | undefined,
): Record<string, unknown> {
  const { fields } = plan;
  return {
    kind: fields.kind,
    postId: fields.postId,
    latestPostId: fields.latestPost,
    actorCount: fields.actorCount,
    latestAt: timestampOf(fields.latestAt),
    actors: fields.actors.map((a: Actor) => ({ ...a, at: timestampOf(a.at) })),
    // What a user's client shows as "new": a newer action than the group showed makes it unread.
    read: plan.newActivity ? false : (stored?.read ?? false),
    changedAt: plan.newActivity || !stored ? FieldValue.serverTimestamp() : timestampOf(stored.changedAt),
    updatedAt: FieldValue.serverTimestamp(),
    // Mention groups are found by their post when it is edited or deleted (a collection group query).
    ...(fields.kind === "mention" ? { mentionOf: fields.postId } : {}),
    // Groups showing an account are found by it when the account is deleted (its rows are gone then).
    actorUids: fields.actors.map((a: Actor) => a.uid),
  };
}
