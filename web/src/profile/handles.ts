// Profile URLs are /u/<username> (or /u/<uid> for accounts that have not chosen a username yet).
// The app remembers the uid of every username it has seen in a feed, list or profile (kept in
// localStorage, bounded) and resolves /u/<handle> through that directory first; a handle it has not seen
// is looked up with UserByUsername (ProfilePage), else treated as a uid.

/** What a profile link needs to know about a person. */
export interface PersonRef {
  uid: string;
  username?: string | null;
}

const STORAGE_KEY = "rookery.handles";
const MAX_ENTRIES = 2000;
const directory = new Map<string, string>(load());
let saveTimer: ReturnType<typeof setTimeout> | undefined;

/** The path of a person's profile page. */
export function profilePath(person: PersonRef): string {
  if (person.username) remember(person.username, person.uid);
  return `/u/${encodeURIComponent(person.username || person.uid)}`;
}

/** The handle shown after a name: "@username", or nothing before one is chosen. */
export function handleOf(person: PersonRef): string | null {
  return person.username ? `@${person.username}` : null;
}

/** Remembers that `username` belongs to `uid`. */
export function remember(username: string, uid: string): void {
  const key = username.toLowerCase();
  if (directory.get(key) === uid) return;
  directory.delete(key);
  directory.set(key, uid);
  while (directory.size > MAX_ENTRIES) directory.delete(directory.keys().next().value!);
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 500);
}

/** The uid a profile handle names: a remembered username's, else the handle itself (a uid). */
export function resolveHandle(handle: string): string {
  return directory.get(handle.toLowerCase()) ?? handle;
}

function load(): [string, string][] {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed)
      ? parsed.filter((e): e is [string, string] => Array.isArray(e) && e.every((v) => typeof v === "string"))
      : [];
  } catch {
    return [];
  }
}

function save(): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify([...directory]));
  } catch {
    // Storage full or denied: the directory still works for this page.
  }
}
