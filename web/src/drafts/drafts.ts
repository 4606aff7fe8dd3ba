// Offline-first drafts in Firestore (users/{uid}/drafts/{id}, owner-only by firestore.rules): the
// composer saves what is typed, debounced; the Drafts page lists, resumes, publishes and deletes them.
import { useEffect, useRef, useState } from "react";
import type { PublishResult } from "../../../firestore/client/drafts.ts";
import { loadFirestore } from "../firebase/firestore.ts";
import { loadFunctions } from "../firebase/functions.ts";

/** A draft as the app shows it. */
export interface Draft {
  id: string;
  content: string;
  updatedAt: Date | null;
}

/** The drafts list and whether it reflects the server or only this device. */
export interface DraftsState {
  status: "loading" | "ready" | "error";
  drafts: Draft[];
  /** True while what is shown comes from this device only (offline, or Firestore unreachable). */
  fromCache: boolean;
  /** True while some change made here has not reached the server yet. */
  pendingWrites: boolean;
  error?: unknown;
}

/** The signed-in person's drafts, newest first, live. */
export function useDrafts(uid: string): DraftsState {
  const [state, setState] = useState<DraftsState>({
    status: "loading",
    drafts: [],
    fromCache: true,
    pendingWrites: false,
  });
  useEffect(() => {
    let unsubscribe = () => {};
    let cancelled = false;
    void loadFirestore().then(({ db, sdk }) => {
      if (cancelled) return;
      const drafts = sdk.query(sdk.collection(db, "users", uid, "drafts"), sdk.orderBy("updatedAt", "desc"));
      unsubscribe = sdk.onSnapshot(
        drafts,
        { includeMetadataChanges: true },
        (snapshot) =>
          setState({
            status: "ready",
            drafts: snapshot.docs.map((doc) => ({
              id: doc.id,
              content: String(doc.get("content") ?? ""),
              updatedAt: doc.get("updatedAt", { serverTimestamps: "estimate" })?.toDate?.() ?? null,
            })),
            fromCache: snapshot.metadata.fromCache,
            pendingWrites: snapshot.metadata.hasPendingWrites,
          }),
        (error) => setState((s) => ({ ...s, status: "error", error })),
      );
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [uid]);
  return state;
}

/** Saves `content` as draft `id` (creating it), without waiting for the server. */
export async function saveDraft(uid: string, id: string, content: string): Promise<void> {
  const { db, sdk } = await loadFirestore();
  // Not awaited: with the persistent cache the write is durable locally at once; the promise only
  // settles when the server confirms, which offline may be much later.
  void sdk
    .setDoc(sdk.doc(db, "users", uid, "drafts", id), { content, updatedAt: sdk.serverTimestamp() })
    .catch(() => {});
}

/** Deletes draft `id`. */
export async function deleteDraft(uid: string, id: string): Promise<void> {
  const { db, sdk } = await loadFirestore();
  void sdk.deleteDoc(sdk.doc(db, "users", uid, "drafts", id)).catch(() => {});
}

/**
 * Publishes draft `id` as a post through the `publishDraft` callable function (the shared client in
 * firestore/client/drafts.ts): one post per draft however often this runs, even at once, and the
 * draft stays when it fails. Loaded on first use, with Firestore and Functions.
 */
export async function publishDraft(id: string): Promise<PublishResult> {
  const [{ db }, functions, client] = await Promise.all([
    loadFirestore(),
    loadFunctions(),
    import("../../../firestore/client/drafts.ts"),
  ]);
  return client.publishDraft(db, functions, id);
}

/** A new draft id. */
export function newDraftId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/**
 * Autosave for a composer: returns the change handler (saves after `delayMs` without typing; an emptied
 * box deletes its draft) and `discard` for after publishing.
 */
export function useDraftAutosave(uid: string, initialId?: string, delayMs = 600) {
  const id = useRef(initialId ?? newDraftId());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saved = useRef(!!initialId);
  /** The text typed but not yet written, if any. */
  const unsaved = useRef<string | null>(null);

  const flush = useRef(() => {
    clearTimeout(timer.current);
    const text = unsaved.current;
    if (text === null) return;
    unsaved.current = null;
    if (text.trim()) {
      saved.current = true;
      void saveDraft(uid, id.current, text);
    } else if (saved.current) {
      saved.current = false;
      void deleteDraft(uid, id.current);
    }
  });

  // Leaving the screen within the debounce still keeps what was typed.
  useEffect(() => {
    const write = flush.current;
    return () => write();
  }, []);

  return {
    onTextChange(text: string) {
      unsaved.current = text;
      clearTimeout(timer.current);
      timer.current = setTimeout(flush.current, delayMs);
    },
    /** Forgets the draft once its text was published (and starts a new one). */
    discard() {
      clearTimeout(timer.current);
      unsaved.current = null;
      if (saved.current) void deleteDraft(uid, id.current);
      saved.current = false;
      id.current = newDraftId();
    },
  };
}
