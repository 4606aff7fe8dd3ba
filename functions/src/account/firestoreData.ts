import type { DocumentData, Firestore, Timestamp } from "firebase-admin/firestore";

/** The Firestore documents that belong to one account: its profile and everything under users/{uid}. */
export function accountDocuments(db: Firestore, uid: string) {
  return { profile: db.doc(`profiles/${uid}`), home: db.doc(`users/${uid}`) };
}

/**
 * Deletes an account's Firestore documents: `profiles/{uid}` and `users/{uid}` with every subcollection
 * (settings, drafts, notifications, and any other), in batches (firebase-admin's recursiveDelete).
 * Idempotent: what is gone stays gone, and a rerun deletes what an interrupted run left.
 */
export async function deleteAccountDocuments(db: Firestore, uid: string): Promise<void> {
  const { profile, home } = accountDocuments(db, uid);
  await db.recursiveDelete(home);
  await profile.delete();
}

/** A Firestore document as the export shows it: its id and fields, timestamps as RFC 3339 strings. */
export interface ExportedDocument {
  id: string;
  data: Record<string, unknown>;
}

/** The account's profile document and its settings and drafts, for the export. */
export async function readAccountDocuments(
  db: Firestore,
  uid: string,
): Promise<{
  profile: Record<string, unknown> | null;
  settings: ExportedDocument[];
  drafts: ExportedDocument[];
}> {
  const { profile, home } = accountDocuments(db, uid);
  const [profileSnap, settings, drafts] = await Promise.all([
    profile.get(),
    home.collection("settings").get(),
    home.collection("drafts").get(),
  ]);
  const doc = (snap: { id: string; data(): DocumentData | undefined }) => ({
    id: snap.id,
    data: plain(snap.data() ?? {}) as Record<string, unknown>,
  });
  return {
    profile: profileSnap.exists ? (plain(profileSnap.data()) as Record<string, unknown>) : null,
    settings: settings.docs.map(doc),
    drafts: drafts.docs.map(doc),
  };
}

/** Firestore values as JSON: timestamps as RFC 3339, references as paths, bytes as base64. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof (value as Timestamp).toDate === "function" && "nanoseconds" in value)
    return (value as Timestamp).toDate().toISOString();
  if ("path" in value && "firestore" in value) return (value as { path: string }).path;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if ("latitude" in value && "longitude" in value)
    return {
      latitude: (value as { latitude: number }).latitude,
      longitude: (value as { longitude: number }).longitude,
    };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}
