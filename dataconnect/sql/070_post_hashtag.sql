-- post_hashtag (schema.gql `PostHashtag`): one row per (live post, hashtag), kept by the database in the
-- same transaction as the post, whoever writes it (operations, the account purge, the seed, a bulk load).
-- TrendingHashtags aggregates its last 24 hours instead of parsing every recent post (2.3 s at 1M posts
-- a week), and HashtagFeed walks one tag newest first instead of sorting every post of a popular tag.
-- Idempotent: applied after every migration by the emulator, once by hand on Cloud SQL.
--
-- Triggers, not an operation's extra statement: posts are written by CreatePost, Reply, Quote, Repost,
-- EditPost, DeletePost, PublishPost, PurgeAccount and the seed, and a writer that forgot the table would
-- make trending wrong silently. Statement-level with transition tables, so a bulk insert or a purge
-- batch of 500 posts parses its hashtags in one statement, not 500 function calls.

-- New posts: their hashtags (only posts with a number sign are parsed: "#", or U+FF03 / U+FE5F, the only
-- code points whose NFKD contains "#").
CREATE OR REPLACE FUNCTION post_hashtag_after_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO post_hashtag (post_id, tag, author_uid, visibility, created_at)
  SELECT p.id, t.tag, p.author_uid, p.visibility, p.created_at
  FROM new_posts p CROSS JOIN LATERAL unnest(post_hashtags(p.content)) AS t(tag)
  WHERE p.deleted_at IS NULL AND p.content ~ '[#\uff03\ufe5f]';
  RETURN NULL;
END $$;

-- Changed posts (an edit, a tombstone, a handover to the `~deleted` placeholder, a new visibility or
-- time): their rows are written again from the new version; unrelated updates change nothing.
CREATE OR REPLACE FUNCTION post_hashtag_after_update() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM post_hashtag h
  USING new_posts n JOIN old_posts o ON o.id = n.id
  WHERE h.post_id = n.id
    AND (n.content, n.deleted_at, n.author_uid, n.visibility, n.created_at)
        IS DISTINCT FROM (o.content, o.deleted_at, o.author_uid, o.visibility, o.created_at);
  INSERT INTO post_hashtag (post_id, tag, author_uid, visibility, created_at)
  SELECT n.id, t.tag, n.author_uid, n.visibility, n.created_at
  FROM new_posts n JOIN old_posts o ON o.id = n.id
  CROSS JOIN LATERAL unnest(post_hashtags(n.content)) AS t(tag)
  WHERE (n.content, n.deleted_at, n.author_uid, n.visibility, n.created_at)
        IS DISTINCT FROM (o.content, o.deleted_at, o.author_uid, o.visibility, o.created_at)
    AND n.deleted_at IS NULL AND n.content ~ '[#\uff03\ufe5f]';
  RETURN NULL;
END $$;

-- Removed posts (nothing removes a post today: deletion tombstones it; the foreign key cascades too).
CREATE OR REPLACE FUNCTION post_hashtag_after_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM post_hashtag h USING old_posts o WHERE h.post_id = o.id;
  RETURN NULL;
END $$;

-- The triggers, and the first time on a database (no trigger yet) the rows of the posts already there,
-- in the same transaction with post locked against writes (the lock CREATE TRIGGER takes anyway), so
-- no post falls between the fill and the triggers even when psql runs this file without -1.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('post') AND tgname = 'post_hashtag_insert') THEN
    LOCK TABLE post IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO post_hashtag (post_id, tag, author_uid, visibility, created_at)
    SELECT p.id, t.tag, p.author_uid, p.visibility, p.created_at
    FROM post p CROSS JOIN LATERAL unnest(post_hashtags(p.content)) AS t(tag)
    WHERE p.deleted_at IS NULL AND p.content ~ '[#\uff03\ufe5f]'
    ON CONFLICT DO NOTHING;
  END IF;
  CREATE OR REPLACE TRIGGER post_hashtag_insert AFTER INSERT ON post
    REFERENCING NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION post_hashtag_after_insert();
  CREATE OR REPLACE TRIGGER post_hashtag_update AFTER UPDATE ON post
    REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION post_hashtag_after_update();
  CREATE OR REPLACE TRIGGER post_hashtag_delete AFTER DELETE ON post
    REFERENCING OLD TABLE AS old_posts
    FOR EACH STATEMENT EXECUTE FUNCTION post_hashtag_after_delete();
END $$;

-- Private accounts, for the visibility rule on hashtag rows (a small set, hashed once per statement).
CREATE INDEX IF NOT EXISTS user_private_idx ON "user" (uid) WHERE is_private;

-- The visibility rule of sql/040_visibility.sql, restated for hashtag rows: the rows of posts `viewer`
-- may see (live posts only have rows). Change both together; test/trending.test.ts compares them on a
-- randomized graph. Written with uncorrelated sets of the viewer (blocks both ways, follows, private
-- accounts) so that Postgres hashes each once per statement and a 24-hour window of tens of thousands
-- of rows costs hash probes, not index lookups per row; inlined into the calling statement like
-- visible_posts. Self-blocks are refused (020_constraints.sql), so the blocks never hide viewer's own.
CREATE OR REPLACE FUNCTION visible_post_hashtags(viewer text) RETURNS SETOF post_hashtag
LANGUAGE sql STABLE AS $$
  SELECT h.* FROM post_hashtag h
  WHERE h.author_uid NOT IN (SELECT b.target_uid FROM block b WHERE b.user_uid = viewer
                             UNION ALL
                             SELECT b.user_uid FROM block b WHERE b.target_uid = viewer)
    AND (h.author_uid = viewer
         OR h.author_uid IN (SELECT f.followee_uid FROM follow f WHERE f.follower_uid = viewer)
         OR (h.visibility = 'PUBLIC'
             AND h.author_uid NOT IN (SELECT a.uid FROM "user" a WHERE a.is_private)))
$$;
