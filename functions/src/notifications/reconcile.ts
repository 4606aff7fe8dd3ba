// Reconciling one recipient's groups: in one Firestore transaction, read the counter and the group
// documents (which locks them), read the groups' truth from the database, then write what differs and
// move the unread count by exactly what changed. Because the database is read after the documents are
// locked, the last reconciliation of a group always reflects the last mutation whose event reached it:
// a redelivered, late or reordered event re-derives the same truth and writes nothing.
import type { DataConnect } from "firebase-admin/data-connect";
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import {
  counterPath,
  groupDocument,
  notificationsPath,
  readCounter,
  readGroup,
  timestampOf,
} from "./documents.ts";
import {
  type GroupKey,
  type GroupTruth,
  groupId,
  isAccountKind,
  MAX_ACTORS,
  NO_POST,
  NOTIFICATION_KINDS,
  nextFollowPeriod,
  planGroup,
} from "./model.ts";
import type { CommentTarget, PostTarget, TargetSource } from "./targets.ts";

/** Where groups' truth comes from. */
export interface TruthSource {
  /** The groups of `recipient` that have actors now, by group id. */
  groupStates(
    recipient: string,
    keys: Pick<GroupKey, "kind" | "post">[],
    followsSince: string | null,
  ): Promise<Map<string, GroupTruth>>;
}

/** What one reconciliation changed. */
export interface ReconcileReport {
  written: number;
  deleted: number;
  unreadDelta: number;
}

/** Most groups one transaction reconciles (each is a document read and maybe written). */
export const MAX_GROUPS_PER_TRANSACTION = 100;

/** Reconciles `keys`, all of `recipient`, in one transaction (at most MAX_GROUPS_PER_TRANSACTION). */
export async function reconcileRecipient(
  db: Firestore,
  truth: TruthSource,
  recipient: string,
  keys: Pick<GroupKey, "kind" | "post">[],
): Promise<ReconcileReport> {
  const counterRef = db.doc(counterPath(recipient));
  const refs = keys.map((k) => db.collection(notificationsPath(recipient)).doc(groupId(k)));
  return db.runTransaction(async (tx) => {
    const report: ReconcileReport = { written: 0, deleted: 0, unreadDelta: 0 };
    const [counterSnap, ...snaps] = await tx.getAll(counterRef, ...refs);
    const counter = readCounter(counterSnap!.data());
    const stored = snaps.map((s) => readGroup(s.data()));
    const truths = await truth.groupStates(recipient, keys, counter.followsSince);

    let followsSince = counter.followsSince;
    const follow = keys.findIndex((k) => k.kind === "follow");
    if (follow >= 0) {
      const next = nextFollowPeriod(stored[follow], truths.get("follow"), counter);
      if (next) {
        followsSince = next;
        const fresh = await truth.groupStates(recipient, [{ kind: "follow", post: null }], next);
        const group = fresh.get("follow");
        if (group) truths.set("follow", group);
        else truths.delete("follow");
      }
    }

    keys.forEach((key, i) => {
      const plan = planGroup(key, stored[i], truths.get(groupId(key)), counter);
      if (plan.op === "keep") return;
      report.unreadDelta += plan.unreadDelta;
      if (plan.op === "delete") {
        tx.delete(refs[i]!);
        report.deleted++;
      } else {
        tx.set(refs[i]!, groupDocument(plan, stored[i]));
        report.written++;
      }
    });

    if (report.unreadDelta !== 0 || followsSince !== counter.followsSince) {
      const moved = {
        unread: counter.unread + report.unreadDelta,
        followsSince: followsSince === null ? null : timestampOf(followsSince),
        updatedAt: FieldValue.serverTimestamp(),
      };
      if (counterSnap!.exists) tx.update(counterRef, moved);
      else tx.set(counterRef, { ...moved, readThrough: null, lastRead: null });
    }
    return report;
  });
}

// Native SQL rows are not typed by the schema: validated here.
const time = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
const hex = z.string().regex(/^[0-9a-f]{32}$/);
const groupRow = z.object({
  kind: z.string(),
  post: hex,
  actorCount: z.number().int().positive(),
  latestAt: time,
  latestPost: hex.nullable(),
  actors: z
    .array(
      z.object({
        uid: z.string(),
        username: z.string().nullable(),
        displayName: z.string(),
        avatarUrl: z.string().nullable(),
        at: time,
      }),
    )
    .max(MAX_ACTORS),
});
const postTarget = z.object({
  post: hex,
  author: z.string(),
  replyTo: hex.nullable(),
  replyToAuthor: z.string().nullable(),
  shareKind: z.enum(["repost", "quote"]).nullable(),
  shared: hex.nullable(),
  sharedAuthor: z.string().nullable(),
  mentioned: z.array(z.string()),
});
const commentTarget = z.object({ comment: hex, post: hex, postAuthor: z.string() });
const groupKeyRow = z.object({ recipient: z.string(), kind: z.enum(NOTIFICATION_KINDS), post: hex });

/** The database side, through the server-only operations of connector/notifications.gql. */
export function dataConnectTruth(
  dc: DataConnect,
): TruthSource & Omit<TargetSource, "mentionRecipients" | "shownGroups"> {
  return {
    async groupStates(recipient, keys, followsSince) {
      const { data } = await dc.executeQuery<{ groups: unknown[] }, Record<string, unknown>>(
        "NotificationGroupStates",
        {
          recipient,
          kinds: keys.map((k) => k.kind),
          posts: keys.map((k) => k.post ?? NO_POST),
          followsSince,
        },
      );
      const rows = z.array(groupRow).parse(data.groups);
      return new Map(
        rows.map((r) => [
          groupId({ kind: r.kind as GroupKey["kind"], post: isAccountKind(r.kind) ? null : r.post }),
          { actorCount: r.actorCount, latestAt: r.latestAt, latestPost: r.latestPost, actors: r.actors },
        ]),
      );
    },
    async targets(posts, comments) {
      const { data } = await dc.executeQuery<
        { posts: unknown[]; comments: unknown[] },
        Record<string, unknown>
      >("NotificationTargets", { posts, comments });
      return {
        posts: z.array(postTarget).parse(data.posts) as PostTarget[],
        comments: z.array(commentTarget).parse(data.comments) as CommentTarget[],
      };
    },
    async actorGroups(recipient, actor) {
      const all: { kind: string; post: string }[] = [];
      let after = { afterKind: "", afterPost: NO_POST };
      for (;;) {
        const { data } = await dc.executeQuery<
          { groups: { kind: string; post: string }[] },
          Record<string, unknown>
        >("NotificationActorGroups", { recipient, actor, ...after, limit: 1000 });
        all.push(...data.groups);
        const last = data.groups.at(-1);
        if (!last || data.groups.length < 1000) return all;
        after = { afterKind: last.kind, afterPost: last.post };
      }
    },
    audienceGroups: (actor) => pagedGroups(dc, "NotificationVisibilityGroups", actor),
  };
}

/**
 * Every group, of any recipient, that a server-only query of connector/notifications.gql names for
 * `actor` (paged by (recipient, kind, post), 1,000 a page).
 */
async function pagedGroups(
  dc: DataConnect,
  operation: "NotificationVisibilityGroups" | "NotificationDepartingGroups",
  actor: string,
): Promise<GroupKey[]> {
  const all: GroupKey[] = [];
  let after = { afterRecipient: "", afterKind: "", afterPost: NO_POST };
  for (;;) {
    const { data } = await dc.executeQuery<{ groups: unknown[] }, Record<string, unknown>>(operation, {
      actor,
      ...after,
      limit: 1000,
    });
    const page = z.array(groupKeyRow).parse(data.groups);
    all.push(...page.map((g) => ({ ...g, post: isAccountKind(g.kind) ? null : g.post })));
    const last = page.at(-1);
    if (!last || page.length < 1000) return all;
    after = { afterRecipient: last.recipient, afterKind: last.kind, afterPost: last.post };
  }
}

/** Every group, of any recipient, in which `actor` has an action now (read before deleting the account). */
export const groupsActedIn = (dc: DataConnect, actor: string): Promise<GroupKey[]> =>
  pagedGroups(dc, "NotificationDepartingGroups", actor);

/** The recipients of the mention groups that exist for `post` (a collection group query). */
export async function mentionRecipients(db: Firestore, post: string): Promise<string[]> {
  const snap = await db.collectionGroup("notifications").where("mentionOf", "==", post).get();
  return snap.docs.map((d) => d.ref.parent.parent?.id).filter((uid): uid is string => Boolean(uid));
}

/** The groups, of any recipient, that show `actor` among their newest actors (a collection group query). */
export async function groupsShowing(db: Firestore, actor: string): Promise<GroupKey[]> {
  const snap = await db.collectionGroup("notifications").where("actorUids", "array-contains", actor).get();
  return snap.docs.flatMap((d) => {
    const recipient = d.ref.parent.parent?.id;
    const kind = d.get("kind");
    if (!recipient || !NOTIFICATION_KINDS.includes(kind)) return [];
    const post = d.get("postId");
    return [{ recipient, kind, post: isAccountKind(kind) ? null : String(post) }];
  });
}
