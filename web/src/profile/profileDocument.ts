// The public profile document, `profiles/{uid}` in Firestore: where a person's display name, bio and
// avatar live (firestore.rules validates them). The onProfileWritten function mirrors every edit into
// the social graph's User row, in edit order; the app also updates the row at once so its screens show
// the edit without waiting for the function (both end at the same values).
import { loadFirestore } from "../firebase/firestore.ts";

/** The display fields a person edits; `null` or "" removes a field, `undefined` leaves it as it is. */
export interface ProfileFields {
  displayName?: string;
  bio?: string | null;
  avatarUrl?: string | null;
}

/** How long to wait for Firestore to confirm a write before telling the person it is only on this device. */
const CONFIRM_MS = 15_000;

/** Thrown when the write is kept on this device but Firestore did not confirm it in time. */
export class ProfileNotConfirmed extends Error {
  constructor() {
    super("Saved on this device; your profile updates when Rookery is reachable again.");
  }
}

/**
 * Writes the given fields of `profiles/{uid}` (merging, stamped with the server's time) and resolves once
 * Firestore has accepted them; rejects with Firestore's error when the rules refuse them.
 */
export async function writeProfileDocument(uid: string, fields: ProfileFields): Promise<void> {
  const { db, sdk } = await loadFirestore();
  const data: Record<string, unknown> = { updatedAt: sdk.serverTimestamp() };
  for (const key of ["displayName", "bio", "avatarUrl"] as const) {
    const value = fields[key];
    if (value === undefined) continue;
    // The rules take a string or no field at all (not null).
    data[key] = value === null || value === "" ? sdk.deleteField() : value;
  }
  const written = sdk.setDoc(sdk.doc(db, "profiles", uid), data, { merge: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProfileNotConfirmed()), CONFIRM_MS);
  });
  try {
    await Promise.race([written, late]);
  } finally {
    clearTimeout(timer);
  }
}
