import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { initialDisplayName } from "../auth/displayName.ts";

/** The public profile document every account starts with (`profiles/{uid}` in Firestore). */
export interface NewProfile {
  displayName: string;
  avatarUrl: string | null;
}

// The avatar URLs Rookery stores (dataconnect/sql/030_input_rules.sql, is_safe_url): https:, or http: on
// the loopback host where the local emulators serve files. Anything else never reaches a client.
const SAFE_URL = [
  /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[!-~]*)?$/,
  /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?(\/[!-~]*)?$/,
];

/** `url` if it is one Rookery stores as an avatar, else null (a provider's odd photo URL is dropped). */
export function safeAvatarUrl(url: string | null | undefined): string | null {
  return url && url.length <= 2048 && SAFE_URL.some((re) => re.test(url)) ? url : null;
}

/** The first profile of an account, from what Auth knows about it. */
export function newProfile(user: {
  displayName?: string | null;
  email?: string | null;
  photoURL?: string | null;
}): NewProfile {
  return { displayName: initialDisplayName(user), avatarUrl: safeAvatarUrl(user.photoURL) };
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
