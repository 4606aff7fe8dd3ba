// Everyone else's notifications when an account is deleted. A group that shows the account is found
// afterwards by its `actorUids` (the PurgeAccount events do that), but one that only counts it ("Ada and
// 12 others") has nothing left to find it by once the rows are gone. So before the purge, the groups the
// account acts in are read from Postgres and kept in Firestore beside its own documents (a retried
// deletion adds the groups of what is left, and still has the earlier ones); after the purge each is
// recomputed (reconciliation is idempotent), and the list goes with the account's documents.
import { createHash } from "node:crypto";
import type { DataConnect } from "firebase-admin/data-connect";
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { type GroupKey, NOTIFICATION_KINDS } from "../notifications/model.ts";
import { notifier } from "../notifications/notifier.ts";
import { groupsActedIn } from "../notifications/reconcile.ts";

/** Where a deletion keeps the groups to recompute: under the account's own (deleted last) documents. */
export const departingGroupsPath = (uid: string) => `users/${uid}/departingGroups`;

const storedKey = z.object({
  recipient: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  post: z.string().nullable(),
});
/** One document per group, named by its key, so recording the same group twice writes it once. */
const docId = (key: GroupKey) =>
  createHash("sha256")
    .update(JSON.stringify([key.recipient, key.kind, key.post]))
    .digest("hex");

/** Records every group `uid` acts in now (before its rows go); answers how many it found. */
export async function recordDepartingGroups(dc: DataConnect, db: Firestore, uid: string): Promise<number> {
  const keys = await groupsActedIn(dc, uid);
  const writer = db.bulkWriter();
  const collection = db.collection(departingGroupsPath(uid));
  for (const key of keys) void writer.set(collection.doc(docId(key)), { ...key });
  await writer.close();
  return keys.length;
}

/** Recomputes every recorded group (after the purge); answers how many. */
export async function reconcileDepartingGroups(dc: DataConnect, db: Firestore, uid: string): Promise<number> {
  const snap = await db.collection(departingGroupsPath(uid)).get();
  const keys = snap.docs.flatMap((d) => {
    const key = storedKey.safeParse(d.data());
    return key.success ? [key.data] : [];
  });
  await notifier({ dataConnect: () => dc, firestore: () => db }).reconcile(keys);
  return keys.length;
}
