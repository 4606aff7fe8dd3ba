-- Indexes Data Connect's @index cannot express (no partial indexes). Applied after every schema
-- migration, so every statement must be idempotent. Measured in ../shared/specs/feed-performance.md
-- and bench/feed.

-- The feed index: every per-author probe of the home feed is index-only over live posts, and the
-- keyset tie-break (created_at, id) is inside it. Replaces a plain author index at the same size.
CREATE INDEX IF NOT EXISTS post_author_live_feed_idx
  ON post (author_uid, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;

-- The global feed (public top-level posts, newest first). Partial, so the home feed (which never
-- filters on visibility) cannot pick it and walk time backwards for light followers.
CREATE INDEX IF NOT EXISTS post_public_recent_idx
  ON post (created_at DESC, id DESC)
  WHERE deleted_at IS NULL AND visibility = 'PUBLIC' AND reply_to_id IS NULL;

-- The home feed's time walk for viewers who follow 1,000+ accounts (see connector/feeds.gql): live posts
-- newest first, with the author, so the walk is index-only (the author is all it checks). Only the
-- adaptive feed statement may use it: a generic feed query would walk time backwards for light
-- followers too and take seconds (feed-performance spec, shape b2). Replaces post_live_recent_idx,
-- the same index without the author.
DROP INDEX IF EXISTS post_live_recent_idx;
CREATE INDEX IF NOT EXISTS post_live_recent_author_idx
  ON post (created_at DESC, id DESC) INCLUDE (author_uid)
  WHERE deleted_at IS NULL;

-- How many live posts the home feed's time walk reads at most before it asks each followee instead
-- (followees who rarely post would otherwise make it walk the whole table). Measured in bench/scale:
-- about a millisecond per 2,000 entries on 2 cores. A function, so tests can lower it to reach the
-- fallback on a small graph; IMMUTABLE and SQL, so Postgres inlines it as a constant.
CREATE OR REPLACE FUNCTION home_feed_walk_budget() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT 10000';

-- How many authors (followees less muted and blocked ones, plus the viewer) make the home feed try the
-- time walk before asking each author (sql/090_home_feed.sql): 1,000 followees. Below that, asking each
-- author costs at most ~7 ms at 1M users, and a walk that fails (followees who post little) would cost
-- up to as much again: walking from 500 followees on made the 1,000-follow viewers' first page slower
-- (bench/scale results/postgres15-1m-reads: 12 ms p50 in SQL against 7 ms asking each, their walks of
-- 10,000 entries found ~13 of 20 posts). A function for the same reason as the budget.
CREATE OR REPLACE FUNCTION home_feed_walk_threshold() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT 1001';

-- A post's live replies in thread order (PostReplies): keyed by the post answered, ordered by the
-- keyset. Without it, a database without statistics (embedded PGlite never analyzes) can walk every
-- live post by time looking for the replies of one.
CREATE INDEX IF NOT EXISTS post_live_replies_idx
  ON post (reply_to_id, created_at, id)
  WHERE deleted_at IS NULL AND reply_to_id IS NOT NULL;
