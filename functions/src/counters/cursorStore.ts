import type { Firestore } from "firebase-admin/firestore";
import type { CursorStore, ReconcileCursor } from "./reconcile.ts";

/** Where the reconciliation keeps its place between runs: a server-only Firestore document. */
export const RECONCILE_CURSOR_PATH = "_system/counterReconciliation";

/** A CursorStore in Firestore (no client may read or write `_system`: firestore.rules). */
export function firestoreCursorStore(db: Firestore): CursorStore {
  const ref = db.doc(RECONCILE_CURSOR_PATH);
  return {
    async load() {
      const snap = await ref.get();
      const cursor = snap.get("cursor") as ReconcileCursor | null | undefined;
      return cursor && typeof cursor.afterUid === "string" && typeof cursor.afterPost === "string"
        ? cursor
        : null;
    },
    async save(cursor) {
      await ref.set({ cursor, savedAt: new Date() });
    },
  };
}
