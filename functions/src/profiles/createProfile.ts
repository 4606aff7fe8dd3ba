import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { initialDisplayName } from "../auth/displayName.ts";

/** The public profile document every account starts with (`profiles/{uid}` in Firestore). */
export interface NewProfile {
  displayName: string;
  avatarUrl: string | null;
}

/** The first profile of an account, from what Auth knows about it. */
export function newProfile(user: {
  displayName?: string | null;
  email?: string | null;
  photoURL?: string | null;
}): NewProfile {
  return { displayName: initialDisplayName(user), avatarUrl: user.photoURL ?? null };
}

/**
 * Writes the profile unless one exists: a retried trigger or a client that raced us to it
 * must never overwrite what the user already edited.
 */
export async function createProfile(db: Firestore, uid: string, profile: NewProfile): Promise<boolean> {
  const ref = db.doc(`profiles/${uid}`);
  try {
    await ref.create({ ...profile, updatedAt: FieldValue.serverTimestamp() });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 6) return false; // ALREADY_EXISTS
    throw error;
  }
}
