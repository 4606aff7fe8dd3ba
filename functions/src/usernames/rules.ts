// What a username is (the same rules as dataconnect/sql/030_input_rules.sql and UpdateMyProfile's
// @check; dataconnect/test/usernames.test.ts keeps the three in step) and how a new account's one is
// derived from its display name or email.

/** 3 to 30 ASCII letters, digits or underscores. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_]{3,30}$/;

/** Names nobody may take, whatever their case: they would pass for the service or a page of the app. */
export const RESERVED_USERNAMES: readonly string[] = [
  "about",
  "account",
  "accounts",
  "admin",
  "administrator",
  "api",
  "app",
  "deleted",
  "everyone",
  "explore",
  "help",
  "home",
  "login",
  "logout",
  "mail",
  "me",
  "messages",
  "mod",
  "moderator",
  "notifications",
  "null",
  "official",
  "privacy",
  "rookery",
  "root",
  "search",
  "security",
  "settings",
  "signin",
  "signup",
  "staff",
  "support",
  "system",
  "terms",
  "undefined",
  "www",
];

const RESERVED = new Set(RESERVED_USERNAMES);

/** Whether `name` may be someone's username (format and reserved names; not whether it is free). */
export function isValidUsername(name: string): boolean {
  return USERNAME_PATTERN.test(name) && !RESERVED.has(name.toLowerCase());
}

// Letters without a Unicode decomposition, spelled out (as fold_text in sql/060_search.sql).
const UNDECOMPOSED: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ħ: "h",
  ı: "i",
  ŀ: "l",
  þ: "th",
  ð: "d",
};

/** Longest base, leaving room for a numeric suffix within 30 characters. */
const MAX_BASE = 20;

/**
 * The username a new account would like: from the display name, else the email's local part (before
 * any "+tag"), folded to lower-case ASCII, other characters as single underscores; "rook" when nothing
 * usable is left, and a reserved or too short result padded so that it is valid.
 */
export function usernameBase(user: { displayName?: string | null; email?: string | null }): string {
  for (const source of [user.displayName, user.email?.split("@")[0]?.split("+")[0]]) {
    const base = slug(source ?? "");
    if (base.length >= 3 && !RESERVED.has(base)) return base;
    if (base.length > 0) return `${base}_rook`.replace(/^_+/, "").slice(0, MAX_BASE);
  }
  return "rook";
}

function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[ßæœøłđħıŀþð]/g, (c) => UNDECOMPOSED[c] ?? c)
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, MAX_BASE)
    .replace(/_+$/, "");
}

/**
 * The names to try, in order, for an account whose base is `base`: the base itself, then the base with
 * random numbers of growing length (2, 3, …, 9 digits), so a popular base costs a few tries, not a scan
 * of every taken suffix. `random` is injectable for tests.
 */
export function* usernameCandidates(base: string, random: () => number = Math.random): Generator<string> {
  yield base;
  for (let digits = 2; digits <= 9; digits++) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const n = Math.floor(10 ** (digits - 1) + random() * 9 * 10 ** (digits - 1));
      yield `${base}${n}`;
    }
  }
}
