// Client side of drafts, for apps on the web SDK with its persistent cache: drafts are written
// offline-first to `users/{uid}/drafts/{id}` (firestore.rules: `content` and `updatedAt` only), and
// published through the `publishDraft` callable function (functions/src/drafts/publishDraft.ts).
import {
  collection,
  doc,
  type Firestore,
  serverTimestamp,
  setDoc,
  waitForPendingWrites,
} from "firebase/firestore";
import { type Functions, httpsCallable } from "firebase/functions";
import { z } from "zod";

/**
 * Saves a draft and answers its id at once (a new one unless `draftId` is given). The write lands in
 * the local cache immediately and reaches the server when it can; `synced` resolves then.
 */
export function saveDraft(
  db: Firestore,
  uid: string,
  content: string,
  draftId?: string,
): { draftId: string; synced: Promise<void> } {
  const ref = draftId
    ? doc(db, `users/${uid}/drafts/${draftId}`)
    : doc(collection(db, `users/${uid}/drafts`));
  return { draftId: ref.id, synced: setDoc(ref, { content, updatedAt: serverTimestamp() }) };
}

/** What publishing answered. */
export const PublishResult = z.object({
  postId: z.string().regex(/^[0-9a-f]{32}$/),
  created: z.boolean(),
  draftDeleted: z.boolean(),
});
export type PublishResult = z.infer<typeof PublishResult>;

/**
 * Publishes a draft as a post. Waits until this device's draft edits reached the server first, so the
 * text published is the one on screen. Safe to retry and to run twice at once: one post either way;
 * a failure leaves the draft in place.
 */
export async function publishDraft(
  db: Firestore,
  functions: Functions,
  draftId: string,
  visibility: "PUBLIC" | "FOLLOWERS" = "PUBLIC",
): Promise<PublishResult> {
  await waitForPendingWrites(db);
  const call = httpsCallable(functions, "publishDraft");
  return PublishResult.parse((await call({ draftId, visibility })).data);
}
