// Hashtags and @mentions in post text, found as the server finds them (dataconnect/sql/060_search.sql
// `post_hashtags`, dataconnect/sql/060_mentions.sql `post_mentions`), so a link is offered where the tag
// page or the profile exists. Pure: the Markdown renderer turns the pieces into links.

// Letters without a Unicode decomposition, spelled out (as fold_text and functions' usernames/rules.ts).
const UNDECOMPOSED: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ħ: "h",
  Ħ: "H",
  ı: "i",
  ŀ: "l",
  Ŀ: "L",
  þ: "t",
  Þ: "T",
  ð: "d",
  Ð: "D",
};

/** Text folded as the server matches it: NFKD, combining marks removed, the letters above mapped, lower case. */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[ßæÆœŒøØłŁđĐħĦıŀĿþÞðÐ]/g, (c) => UNDECOMPOSED[c] ?? c)
    .toLowerCase();
}

// A tag character after folding (the server's class: ASCII letters, digits, underscore, Latin-extended,
// Greek to Hangul Jamo, kana/CJK, Hangul).
const TAG_CHAR = "a-z0-9_\\u00c0-\\u024f\\u0370-\\u1fff\\u3040-\\u9fff\\uac00-\\ud7af";
const FOLDED_TAG = new RegExp(`^[${TAG_CHAR}]{1,64}$`);

/** The key of a tag's page: what was typed, with or without "#", folded ("#Café" → "cafe"); null if not a tag. */
export function hashtagKey(tag: string): string | null {
  const key = foldText(
    tag
      .trim()
      .replace(/^[#\uff03\ufe5f]/, "")
      .trim(),
  );
  return FOLDED_TAG.test(key) && /[^0-9_]/.test(key) ? key : null;
}

/** The path of a hashtag's page. */
export function tagPath(tag: string): string {
  return `/tag/${encodeURIComponent(hashtagKey(tag) ?? tag)}`;
}

/** A piece of post text: plain text, a hashtag (its page's key) or a mention (the handle, lower case). */
export type TextPiece =
  | { kind: "text"; text: string }
  | { kind: "hashtag"; text: string; tag: string }
  | { kind: "mention"; text: string; username: string };

// On the unfolded text: a number sign (or the two characters that fold to it), then word characters,
// not glued to a word, URL or entity before it. Each candidate is then folded and checked as the server
// checks it (FOLDED_TAG, not all digits or underscores), so the two agree on what is a tag.
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_&/])[#\uff03\ufe5f]([\p{L}\p{M}\p{N}_]+)/gu;
// The username rule: 3–30 letters, digits or underscores, not after a word character or "@"
// (ann@example.com mentions nobody) and not followed by one.
const MENTION = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])/g;

/** Splits text into plain text, hashtags and mentions, in order; the pieces' texts join to `text`. */
export function splitSocialText(text: string): TextPiece[] {
  const found: { start: number; end: number; piece: TextPiece }[] = [];
  for (const m of text.matchAll(HASHTAG)) {
    const tag = hashtagKey(m[1] ?? "");
    if (tag)
      found.push({ start: m.index, end: m.index + m[0].length, piece: { kind: "hashtag", text: m[0], tag } });
  }
  for (const m of text.matchAll(MENTION)) {
    const username = (m[1] ?? "").toLowerCase();
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      piece: { kind: "mention", text: m[0], username },
    });
  }
  found.sort((a, b) => a.start - b.start);
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const { start, end, piece } of found) {
    if (start < at) continue; // overlapping (cannot happen with these patterns; kept safe)
    if (start > at) pieces.push({ kind: "text", text: text.slice(at, start) });
    pieces.push(piece);
    at = end;
  }
  if (at < text.length || pieces.length === 0) pieces.push({ kind: "text", text: text.slice(at) });
  return pieces;
}
