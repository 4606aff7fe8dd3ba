/** Longest display name we store; Data Connect and Firestore rules agree on it. */
export const MAX_DISPLAY_NAME = 80;

/**
 * The display name a new account starts with: the one the provider gave, else the local part of
 * the email, else a neutral placeholder. Always trimmed and at most MAX_DISPLAY_NAME characters.
 */
export function initialDisplayName(user: { displayName?: string | null; email?: string | null }): string {
  const given = user.displayName?.trim();
  if (given) return given.slice(0, MAX_DISPLAY_NAME);
  const local = user.email?.split("@")[0]?.trim();
  if (local) return local.slice(0, MAX_DISPLAY_NAME);
  return "New rook";
}
