// Pure checks that a feed form returns exactly the reference's posts: same ids in the same order
// for one page, and, over a whole walk of pages, every post once (no gap, no duplicate).

/** A feed row as the checks see it: id (32 hex digits, no dashes) and createdAt (ISO text). */
export interface FeedKey {
  id: string;
  createdAt: string;
}

/** Lower-case hex without dashes, whatever uuid spelling a form returns. */
export function normalizeId(id: string): string {
  return id.replaceAll("-", "").toLowerCase();
}

/** True when `actual` lists exactly `expected`'s ids in the same order. */
export function samePage(expected: readonly string[], actual: readonly string[]): boolean {
  return (
    expected.length === actual.length &&
    expected.every((id, i) => normalizeId(id) === normalizeId(actual[i]!))
  );
}

/** What a walk over all pages got wrong compared with the reference list. */
export interface WalkResult {
  exact: boolean;
  /** Reference ids never returned (skipped by a cursor). */
  missing: number;
  /** Ids returned more than once (repeated across pages). */
  duplicates: number;
  /** Ids returned that are not in the reference at all. */
  unexpected: number;
}

/** Compares the concatenation of `pages` with the `reference` list (order included). */
export function checkWalk(reference: readonly string[], pages: readonly (readonly string[])[]): WalkResult {
  const got = pages.flat().map(normalizeId);
  const want = reference.map(normalizeId);
  const wanted = new Set(want);
  const seen = new Set<string>();
  let duplicates = 0;
  for (const id of got) {
    if (seen.has(id)) duplicates++;
    seen.add(id);
  }
  const missing = want.filter((id) => !seen.has(id)).length;
  const unexpected = [...seen].filter((id) => !wanted.has(id)).length;
  return { exact: samePage(want, got), missing, duplicates, unexpected };
}

/**
 * Ids among `rows[0..index]` sharing `rows[index]`'s createdAt: what a typed-filter client must
 * exclude (`id: {nin: …}`) to page exactly past `rows[index]`, since UUID_Filter has no `lt`.
 */
export function seenAtCursor(rows: readonly FeedKey[], index: number): string[] {
  const at = rows[index]?.createdAt;
  if (at === undefined) return [];
  return rows.slice(0, index + 1).flatMap((r) => (r.createdAt === at ? [r.id] : []));
}

/** First index ≥ `from` whose row ties (same createdAt) with the next one, or -1: a cursor that splits a tie. */
export function tieCursorIndex(rows: readonly FeedKey[], from: number): number {
  for (let i = Math.max(0, from); i + 1 < rows.length; i++)
    if (rows[i]!.createdAt === rows[i + 1]!.createdAt) return i;
  return -1;
}
