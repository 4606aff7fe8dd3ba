// What a /search URL asks for: the query text and which list (people or posts). Pure, so the page, the
// search box and the tests agree on one reading of the URL.

/** The two result lists of the search screen. */
export type SearchTab = "people" | "posts";

/** The longest query the server reads (SearchPosts reads 200 characters; SearchUsers 100). */
export const MAX_QUERY = 200;

/** A /search URL's query, trimmed, inner whitespace collapsed, cut to what the server reads. */
export function normalizeQuery(raw: string | null | undefined): string {
  return (raw ?? "").replace(/\s+/g, " ").trim().slice(0, MAX_QUERY);
}

/**
 * The tab a /search URL shows: the one it names, else People for a handle ("@ada"), else Posts.
 * Unknown tab names fall back the same way.
 */
export function searchTab(params: URLSearchParams): SearchTab {
  const tab = params.get("tab");
  if (tab === "people" || tab === "posts") return tab;
  return normalizeQuery(params.get("q")).startsWith("@") ? "people" : "posts";
}

/** The URL of a search for `query`, on `tab` when given. */
export function searchPath(query: string, tab?: SearchTab): string {
  const params = new URLSearchParams({ q: normalizeQuery(query) });
  if (tab) params.set("tab", tab);
  return `/search?${params}`;
}

/** The hashtag a query is, when it is one tag and nothing else ("#Café" → "Café"), else null. */
export function hashtagQuery(query: string): string | null {
  const match = /^[#\uff03\ufe5f]([\p{L}\p{M}\p{N}_]{1,64})$/u.exec(normalizeQuery(query));
  return match?.[1] ?? null;
}
