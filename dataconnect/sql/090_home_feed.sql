-- HomeFeed's page (connector/feeds.gql): the keys (created_at, id) of the viewer's home feed before the
-- cursor, newest first, exactly. Measured in bench/feed and bench/scale; dataconnect/README.md "Feeds".
--
-- The authors are the viewer and the accounts they follow, less the ones they mute, block or are
-- blocked by (computed once, kept as an array). Then, by how many accounts the viewer follows:
--   heavy (1,000 followees or more, home_feed_walk_threshold()): a walk back in time over live posts
--     (index-only, author included), keeping the authors' posts (a hash lookup each), at most ten
--     entries per author and home_feed_walk_budget() in all: an entry costs about a tenth of a probe
--     below, so a walk that fails costs about what the heads do. Followees who post often fill a page
--     within a few hundred entries; if the walk finds less than a page, its work is dropped and the
--     page comes from the heads, as for everyone else:
--   heads: each author's newest post before the cursor (one index-only probe per author, one row each),
--     then the newest posts of the page_size authors whose heads are newest. The page_size-th of those,
--     T, is a lower bound of the page: no author whose head is older than T can have a post on it. So
--     the page is the newest posts of the authors whose head is at least T — for followees who rarely
--     post (the benchmark's silent viewers: 5,000 followees with one post each, 100–400 days old) that
--     is a page_size of probes, not 5,000 top-k scans and a sort of their union.
-- So no viewer costs more than one walk of ten entries per author, one probe per author and two
-- page_sizes of top-k probes.
--
-- Why a PL/pgSQL function with a forced generic plan, not one statement inline in the connector:
-- planning the statement cost about 2 ms (its post_card projection another 1.3), more than running it
-- for most viewers (about 1 ms). A prepared statement with plan_cache_mode = auto kept re-planning it:
-- it compares the generic plan's estimate with the average of the custom plans it made, and a mix of
-- mostly light viewers keeps that average below the generic estimate. The generic plans are as fast for
-- every kind of viewer (bench/scale), so each statement here is planned once per session and reused,
-- and branching in PL/pgSQL runs only the statements a viewer needs. The connector's own statement is
-- plain enough that auto mode settles on a generic plan for it too.
CREATE OR REPLACE FUNCTION home_feed_keys(viewer text, before_time timestamptz, before_id uuid, page_size int)
RETURNS TABLE (created_at timestamptz, id uuid)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
ROWS 20
AS $home_feed$
#variable_conflict use_column
DECLARE
  n int := LEAST(GREATEST(page_size, 1), 50);
  authors text[];
  walked_times timestamptz[];
  walked_ids uuid[];
BEGIN
  -- Two anti-joins for the block, not one with OR: each becomes a hash of the viewer's few blocks (an OR
  -- cost a two-index BitmapOr per followee: 5,000 of them were the heavy viewers' 40 ms tail).
  SELECT array_agg(a.uid) INTO authors
  FROM (SELECT f.followee_uid AS uid FROM follow f WHERE f.follower_uid = viewer
        UNION ALL
        SELECT viewer) a
  WHERE NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = viewer AND m.target_uid = a.uid)
    AND NOT EXISTS (SELECT 1 FROM block b WHERE b.user_uid = viewer AND b.target_uid = a.uid)
    AND NOT EXISTS (SELECT 1 FROM block b WHERE b.user_uid = a.uid AND b.target_uid = viewer);

  IF cardinality(authors) >= home_feed_walk_threshold() THEN
    SELECT array_agg(w.created_at ORDER BY w.created_at DESC, w.id DESC),
           array_agg(w.id ORDER BY w.created_at DESC, w.id DESC)
    INTO walked_times, walked_ids
    FROM (
      SELECT w.created_at, w.id FROM (
        SELECT p.created_at, p.id, p.author_uid FROM post p
        WHERE p.deleted_at IS NULL AND (p.created_at, p.id) < (before_time, before_id)
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT LEAST(home_feed_walk_budget(), 10 * cardinality(authors))
      ) w
      -- Inside CASE the IN stays a hashed subplan filter: the walk keeps its order and stops at a page.
      WHERE CASE WHEN w.author_uid IN (SELECT unnest(authors)) THEN true END
      ORDER BY w.created_at DESC, w.id DESC
      LIMIT n
    ) w;
    IF cardinality(walked_ids) >= n THEN
      RETURN QUERY SELECT k.created_at, k.id FROM unnest(walked_times, walked_ids) AS k(created_at, id);
      RETURN;
    END IF;
  END IF;

  RETURN QUERY
    WITH heads AS MATERIALIZED (
      SELECT a.uid, h.created_at
      FROM unnest(authors) AS a(uid)
      CROSS JOIN LATERAL (
        SELECT p.created_at FROM post p
        WHERE p.author_uid = a.uid AND p.deleted_at IS NULL AND (p.created_at, p.id) < (before_time, before_id)
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT 1
      ) h
    ), leaders AS MATERIALIZED (
      -- The newest posts of the n authors with the newest heads.
      SELECT c.created_at, c.id
      FROM (SELECT s.uid FROM heads s ORDER BY s.created_at DESC LIMIT n) s
      CROSS JOIN LATERAL (
        SELECT p.created_at, p.id FROM post p
        WHERE p.author_uid = s.uid AND p.deleted_at IS NULL AND (p.created_at, p.id) < (before_time, before_id)
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT n
      ) c
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT n
    ), bound AS (
      -- T's time. The leaders hold a full page whenever there are more than n heads (each leader has
      -- at least one post); with n heads or fewer, every author leads and the bound excludes no one.
      SELECT min(l.created_at) AS t FROM leaders l
    )
    SELECT c.created_at, c.id
    FROM heads s
    CROSS JOIN LATERAL (
      SELECT p.created_at, p.id FROM post p
      WHERE p.author_uid = s.uid AND p.deleted_at IS NULL AND (p.created_at, p.id) < (before_time, before_id)
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT n
    ) c
    WHERE s.created_at >= (SELECT b.t FROM bound b)
    ORDER BY c.created_at DESC, c.id DESC
    LIMIT n;
END
$home_feed$;
