-- What a value must look like to be stored, whatever the client sends (the operations' @check messages
-- say the same in words; dataconnect/test/inputRules.test.ts keeps the two in step). Idempotent.
-- Constraints are added NOT VALID: they hold for every row written from now on, and an existing
-- database with older rows still migrates.

-- Text with at least one character that is not Unicode whitespace (White_Space: \t \n \v \f \r, space,
-- U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) nor an invisible
-- zero-width character (U+180E, U+200B–U+200D, U+2060, U+FEFF). Postgres' own \s and btrim know ASCII only.
CREATE OR REPLACE FUNCTION has_visible_text(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT t ~ '[^\t\n\v\f\r \u0085\u00a0\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]'
$$;

-- Live posts say something (reposts carry no text of their own; tombstones are emptied).
ALTER TABLE post DROP CONSTRAINT IF EXISTS post_has_content;
DO $$ BEGIN
  ALTER TABLE post ADD CONSTRAINT post_content_not_blank
    CHECK (deleted_at IS NOT NULL OR repost_of_id IS NOT NULL OR has_visible_text(content)) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN
  ALTER TABLE post ADD CONSTRAINT post_repost_has_no_text CHECK (repost_of_id IS NULL OR content = '') NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
-- A post is a reply, a repost, a quote or none of them: counters move for one kind only.
DO $$ BEGIN
  ALTER TABLE post ADD CONSTRAINT post_one_kind
    CHECK (num_nonnulls(reply_to_id, repost_of_id, quote_of_id) <= 1) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

ALTER TABLE comment DROP CONSTRAINT IF EXISTS comment_has_content;
DO $$ BEGIN
  ALTER TABLE comment ADD CONSTRAINT comment_content_not_blank
    CHECK (deleted_at IS NOT NULL OR has_visible_text(content)) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

-- Usernames: 3 to 30 ASCII letters, digits or underscores, unique whatever their case, and not a name
-- that would pass for the service or a page of the app. The same list is in connector/users.gql (the
-- @check) and functions/src/usernames/rules.ts (derivation); dataconnect/test/usernames.test.ts keeps
-- the three in step.
DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT user_username_format CHECK (username ~ '^[A-Za-z0-9_]{3,30}$') NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE UNIQUE INDEX IF NOT EXISTS user_username_lower_uidx ON "user" (lower(username));
CREATE OR REPLACE FUNCTION is_reserved_username(name text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(name) = ANY (ARRAY['about', 'account', 'accounts', 'admin', 'administrator', 'api', 'app',
    'deleted', 'everyone', 'explore', 'help', 'home', 'login', 'logout', 'mail', 'me', 'messages', 'mod',
    'moderator', 'notifications', 'null', 'official', 'privacy', 'rookery', 'root', 'search', 'security',
    'settings', 'signin', 'signup', 'staff', 'support', 'system', 'terms', 'undefined', 'www'])
$$;
DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT user_username_not_reserved CHECK (NOT is_reserved_username(username)) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT user_display_name_not_blank CHECK (has_visible_text(display_name)) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

-- Avatar URLs are https:, or http: on the loopback host (the local emulators serve files there).
-- Nothing else (javascript:, data:, file:, protocol-relative) is ever stored, so no client renders it.
CREATE OR REPLACE FUNCTION is_safe_url(u text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT u ~ '^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$'
      OR u ~ '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?(/[!-~]*)?$'
$$;
DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT user_avatar_url_safe CHECK (avatar_url IS NULL OR is_safe_url(avatar_url)) NOT VALID;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
