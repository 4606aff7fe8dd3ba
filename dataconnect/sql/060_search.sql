-- Search: accounts by handle and display name, posts by full text, hashtags. Everything is matched on
-- folded text — lower case, accents and compatibility forms removed (é → e, ß → ss, ﬁ → fi, full-width
-- → ASCII) — so "zoe" finds "Zoë" and "#Café" is the page of "#cafe". Idempotent.
--
-- Not the `unaccent` extension: neither embedded PGlite nor firebase-tools' PGlite loads it, and its
-- function is not IMMUTABLE (an index expression needs one). Unicode NFKD plus stripping the combining
-- marks (U+0300–U+036F) does the same for every letter with a decomposition; the few Latin letters
-- without one (ø, ł, đ, ħ, ı, ŀ, þ, ð, ß, æ, œ) are mapped by hand. Case folding beyond the folded
-- letters follows the database's LC_CTYPE (Cloud SQL: en_US.UTF8; a C-locale server lowercases ASCII
-- only, so there "Москва" and "москва" stay apart).

-- `t` folded for matching. Text that is all ASCII folds to lower(t): no character of it decomposes,
-- is a combining mark or is one of the letters spelled out below. That shortcut is most posts, and it
-- is what CREATE INDEX post_search_idx evaluates for every post (the full folding took 13 µs a post:
-- over three minutes of a 15M-post load; bench/scale). The ASCII test is by pattern, not by comparing
-- byte and character lengths, so it holds in any server encoding.
-- The full folding: compatibility decomposition, combining marks dropped, the letters that have no
-- decomposition spelled out, lower case. One function with no calls of our own, so that an index
-- expression's search path (only pg_catalog since PostgreSQL 17) can evaluate it.
CREATE OR REPLACE FUNCTION fold_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t !~ '[^\x01-\x7f]' THEN lower(t) ELSE
    lower(translate(
      replace(replace(replace(replace(replace(
        regexp_replace(normalize(t, NFKD), '[\u0300-\u036f]', '', 'g'),
        'ß', 'ss'), 'æ', 'ae'), 'Æ', 'AE'), 'œ', 'oe'), 'Œ', 'OE'),
      'øØłŁđĐħĦıŀĿþÞðÐ', 'oOlLdDhHilLtTdD'))
  END
$$;

-- The hashtags of a post, folded, distinct, sorted. A hashtag is `#` followed by 1 to 64 tag characters
-- (ASCII letters, digits, underscore, and letters of the Latin-extended, Greek to Hangul-Jamo, kana/CJK
-- and Hangul blocks — spelled out rather than [[:alnum:]], whose meaning depends on the server's locale),
-- not all digits or underscores, and not glued to a word, URL or entity before it (`a#b`,
-- `example.com/#top`, `&#38;` are not tags). Longer runs are not tags at all (no silent truncation).
-- Its search_path is pinned: since PostgreSQL 17, CREATE INDEX runs index expressions with only
-- pg_catalog on the path, where fold_text is not.
CREATE OR REPLACE FUNCTION post_hashtags(content text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT coalesce(array_agg(DISTINCT m[1] ORDER BY m[1]), '{}')
  FROM regexp_matches(
         fold_text(content),
         '(?<![a-z0-9_&/\u00c0-\u024f\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af])#([a-z0-9_\u00c0-\u024f\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af]{1,64})(?![a-z0-9_\u00c0-\u024f\u0370-\u1fff\u3040-\u9fff\uac00-\ud7af])',
         'g') m
  WHERE m[1] ~ '[^0-9_]'
$$;

-- The key of a hashtag page: what the user typed, with or without `#`, folded like post_hashtags.
CREATE OR REPLACE FUNCTION hashtag_key(tag text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT fold_text(btrim(ltrim(btrim(tag), '#')))
$$;

-- Every word of `q` as a prefix, all required: "ada lov" → 'ada':* & 'lov':* (for names, typed as one
-- goes). Built from the lexemes the parser makes of the folded text, quoted, so no input is a syntax
-- error; NULL (matches nothing) when `q` has no word.
CREATE OR REPLACE FUNCTION prefix_tsquery(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_agg('''' || replace(replace(w.lexeme, '\', '\\'), '''', '''''') || ''':*', ' & ')::tsquery
  FROM unnest(to_tsvector('simple', fold_text(left(q, 200)))) w
$$;

-- A LIKE pattern matching every string that starts with `prefix` (its %, _ and \ taken literally).
CREATE OR REPLACE FUNCTION prefix_pattern(prefix text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(replace(replace(prefix, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- Handles by prefix, in handle order (SearchUsers): byte order ("C"), which LIKE prefixes can range-scan.
CREATE INDEX IF NOT EXISTS user_username_prefix_idx ON "user" ((lower(username) COLLATE "C"));
-- Display names by word prefix (SearchUsers).
CREATE INDEX IF NOT EXISTS user_display_name_search_idx
  ON "user" USING gin (to_tsvector('simple', fold_text(display_name)));
-- Live posts by word (SearchPosts). 'simple': no stemming and no stop words, the same for every
-- language people post in; folded, so accents and case never matter.
CREATE INDEX IF NOT EXISTS post_search_idx
  ON post USING gin (to_tsvector('simple', fold_text(content)))
  WHERE deleted_at IS NULL;
-- Hashtag pages and trending read post_hashtag (070_post_hashtag.sql), written with the post; the GIN
-- index over post_hashtags(content) they used before is dropped (one less index for every post write).
DROP INDEX IF EXISTS post_hashtags_idx;
