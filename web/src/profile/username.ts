// The rules for a username as the app checks them before asking the server (functions' usernames/rules.ts,
// which UpdateMyProfile's checks and the database match), and the words for the server's refusal: the
// one check both Edit profile and Settings use.
import { RESERVED_USERNAMES } from "../../../functions/src/usernames/rules.ts";
import { describeError } from "../data/errors.ts";

/** A typed username in the form it is stored: trimmed, lower case (usernames are case-insensitive). */
export function normalizeUsername(typed: string): string {
  return typed.trim().toLowerCase();
}

/** Why `username` is not acceptable, or null when it is. */
export function usernameProblem(username: string): string | null {
  if (username.length < 3 || username.length > 30) return "A username has 3 to 30 characters.";
  if (!/^[a-z0-9_]+$/i.test(username)) return "Use only letters, digits and underscores.";
  if (RESERVED_USERNAMES.includes(username.toLowerCase())) return "That username is reserved.";
  return null;
}

/** What to say when the server refused a change that carried a username. */
export function usernameRefusal(error: unknown): string {
  const message = describeError(error);
  // "that username is taken" (UpdateMyProfile's check), or the unique index if a rename races it.
  return /taken|already|unique|duplicate/i.test(message) ? "That username is taken." : message;
}
