/** Longest display name we store; Data Connect and Firestore rules agree on it. */
export const MAX_DISPLAY_NAME = 80;

/**
 * The display name a new account starts with: the one the provider gave, else the local part of
 * the email, else a neutral placeholder. Always trimmed and at most MAX_DISPLAY_NAME characters.
 */
export function initialDisplayName(user: { displayName?: string | null; email?: string | null }): string {
  const given = user.displayName?.trim();
  if (given && hasVisibleText(given)) return given.slice(0, MAX_DISPLAY_NAME);
  const local = user.email?.split("@")[0]?.trim();
  if (local && hasVisibleText(local)) return local.slice(0, MAX_DISPLAY_NAME);
  return "New rook";
}

// A character that is neither Unicode whitespace nor an invisible zero-width one: the rule the social
// graph applies to display names (dataconnect/sql/030_input_rules.sql, has_visible_text).
const VISIBLE =
  /[^\t\n\v\f\r \u0085\u00a0\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/;

/** Whether `text` has something to show (what Data Connect requires of display names and posts). */
export function hasVisibleText(text: string): boolean {
  return VISIBLE.test(text);
}
