-- Mentions: `@username` in a post's text (connector/notifications.gql). Idempotent: CREATE OR REPLACE.
--
-- The handles a text mentions, lowercased, each once, in order of first appearance, at most 10 (so one
-- post cannot notify a crowd). A mention is `@` + 3–30 letters, digits or underscores (the username
-- rule), not preceded by a letter, digit, underscore or `@` (so `ann@example.com` mentions nobody) and
-- not followed by one of those characters. The same regular expression in PGlite and PostgreSQL.
CREATE OR REPLACE FUNCTION post_mentions(content text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 10 AS $$
  SELECT handle FROM (
    SELECT lower(m[1]) AS handle, min(r.n) AS first
    FROM regexp_matches(content, '(?:^|[^A-Za-z0-9_@])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])', 'g')
         WITH ORDINALITY AS r(m, n)
    GROUP BY lower(m[1])
  ) h
  ORDER BY first
  LIMIT 10
$$;
