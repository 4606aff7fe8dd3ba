// Publishing a draft: the draft (Firestore, `users/{uid}/drafts/{id}`) becomes a post (Data Connect),
// then the draft is removed. Runs as a callable function (see index.ts for why there):
// 1. read the draft as the server has it;
// 2. PublishPost with a key derived from the draft (its id and a hash of its text), as the user: the
//    first call with a key creates the post, every retried or concurrent one answers that same post;
// 3. delete the draft only if it is still the version just published (an update-time precondition).
// A failure anywhere leaves the draft where it was: before step 2 nothing happened, after it the post
// exists and a retry finds it by its key. An edit made while publishing keeps the draft (with the
// edit); publishing it again publishes the edited text, once.
import { createHash } from "node:crypto";
import type { DataConnect } from "firebase-admin/data-connect";
import type { DocumentReference, Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

/** What a client sends: which draft, and who may see the post. */
export const PublishRequest = z.object({
  draftId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "a draft id is 1–128 letters, digits, - or _"),
  visibility: z.enum(["PUBLIC", "FOLLOWERS"]).default("PUBLIC"),
});
export type PublishRequest = z.infer<typeof PublishRequest>;

/** What a publish answers. */
export interface PublishResult {
  postId: string;
  /** Whether this call created the post (false: an earlier publish of this draft did). */
  created: boolean;
  /** Whether the draft is gone now (false: it was edited meanwhile and keeps the edit). */
  draftDeleted: boolean;
}

/** Longest post Data Connect stores (the `content` column). */
export const MAX_POST_LENGTH = 5000;

/** Why a publish was refused; nothing changed. `code` is a callable error code. */
export class PublishError extends Error {
  readonly code: "not-found" | "invalid-argument" | "failed-precondition";
  constructor(code: PublishError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

/** The idempotency key of publishing this draft with this text. */
export function publishKey(draftId: string, content: string): string {
  return `${draftId}:${createHash("sha256").update(content).digest("hex").slice(0, 32)}`;
}

/** Everything publishing touches. */
export interface PublishDeps {
  firestore: Firestore;
  dataConnect: DataConnect;
  /** The caller's verified token claims, to run PublishPost as them (its @auth and checks apply). */
  authClaims: Record<string, unknown> & { sub: string };
  /** Runs between creating the post and deleting the draft (tests crash or edit there). */
  afterCreate?: () => Promise<void>;
}

/** Publishes draft `request.draftId` of the caller; see the file comment for the guarantees. */
export async function publishDraft(deps: PublishDeps, request: PublishRequest): Promise<PublishResult> {
  const uid = deps.authClaims.sub;
  const ref = deps.firestore.doc(`users/${uid}/drafts/${request.draftId}`);
  const snap = await ref.get();
  if (!snap.exists) {
    // Gone: either an earlier publish finished (answer its post) or there never was such a draft.
    const { data } = await deps.dataConnect.executeQuery<
      { post: { id: string } | null },
      { draftId: string }
    >("MyPostFromDraft", { draftId: request.draftId }, { impersonate: { authClaims: deps.authClaims } });
    if (data.post) return { postId: data.post.id, created: false, draftDeleted: true };
    throw new PublishError("not-found", "there is no such draft");
  }
  const content = snap.get("content");
  if (typeof content !== "string") throw new PublishError("failed-precondition", "the draft has no text");
  if (content.length > MAX_POST_LENGTH) {
    throw new PublishError(
      "invalid-argument",
      `a post holds at most ${MAX_POST_LENGTH} characters; this draft has ${content.length}`,
    );
  }
  let post: { id: string; created: boolean };
  try {
    const { data } = await deps.dataConnect.executeMutation<
      { post: { id: string; created: boolean } },
      Record<string, unknown>
    >(
      "PublishPost",
      { key: publishKey(request.draftId, content), content, visibility: request.visibility },
      { impersonate: { authClaims: deps.authClaims } },
    );
    post = data.post;
  } catch (error) {
    const message = String((error as { message?: unknown })?.message ?? error);
    // The operation's own checks say what is wrong in words; anything else is retried by the caller.
    const refusal = /a post needs some content|your account has no profile yet/.exec(message);
    if (refusal) throw new PublishError("failed-precondition", refusal[0]);
    throw error;
  }
  await deps.afterCreate?.();
  const draftDeleted = await deleteIfUnchanged(ref, snap.updateTime!);
  return { postId: post.id, created: post.created, draftDeleted };
}

/**
 * Deletes the draft if it is still the version read. False when it was edited meanwhile (it stays);
 * true when it is gone, by this call or a concurrent publish of the same draft.
 */
async function deleteIfUnchanged(ref: DocumentReference, version: Timestamp): Promise<boolean> {
  try {
    await ref.delete({ lastUpdateTime: version });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 9) throw error; // 9: FAILED_PRECONDITION
    return !(await ref.get()).exists;
  }
}
