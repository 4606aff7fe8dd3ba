-- THE visibility rule: who may see a post, stated once. Every operation that returns a post's content or
-- id, or acts on a post, reads posts through these functions (dataconnect/test/visibility.test.ts
-- enumerates the connector and proves it). Idempotent: CREATE OR REPLACE after every migration.
--
-- `viewer` may see post p when p is live (not deleted) and either viewer wrote it, or
--   * no block stands between viewer and p's author (either direction), and
--   * viewer is an approved follower of p's author (a row in `follow`; a pending follow request is not),
--     or p is PUBLIC and its author's account is not private.
-- A private account's posts are therefore for its approved followers only, whatever their visibility;
-- a public account's FOLLOWERS posts likewise. Its follower and following lists follow the same rule
-- (`may_see_graph`). Extending it (lists, close friends): change `visible_posts` (and the block test of
-- `visible_comments`) here; every read and interaction follows.

-- The posts `viewer` may see. A set-returning SQL function that Postgres inlines into the calling
-- statement, so `FROM visible_posts($1) p WHERE p.author_uid = …` plans like a filter on `post`; the
-- conditions are written out (not calls to helper functions, which Postgres cannot inline and would
-- call once per row).
CREATE OR REPLACE FUNCTION visible_posts(viewer text) RETURNS SETOF post
LANGUAGE sql STABLE AS $$
  SELECT p.* FROM post p
  WHERE p.deleted_at IS NULL
    AND (p.author_uid = viewer
         OR (-- no block between viewer and the author, either way
             NOT EXISTS (SELECT 1 FROM block b
                         WHERE (b.user_uid = viewer AND b.target_uid = p.author_uid)
                            OR (b.user_uid = p.author_uid AND b.target_uid = viewer))
             -- and the post is public on a public account, or viewer is in the author's audience (an
             -- approved follower). Public first: most posts are, and it costs one key lookup.
             AND ((p.visibility = 'PUBLIC'
                   AND NOT EXISTS (SELECT 1 FROM "user" a WHERE a.uid = p.author_uid AND a.is_private))
                  OR EXISTS (SELECT 1 FROM follow f WHERE f.follower_uid = viewer AND f.followee_uid = p.author_uid)))
        )
$$;

-- Whether `viewer` may see `owner`'s follower and following lists (and which of viewer's follows also
-- follow owner): no block between them, and owner is viewer, or a public account, or one viewer follows
-- (approved). Evaluated once per statement (its arguments are the statement's parameters).
CREATE OR REPLACE FUNCTION may_see_graph(viewer text, owner text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT viewer = owner
      OR (NOT EXISTS (SELECT 1 FROM block b
                      WHERE (b.user_uid = viewer AND b.target_uid = owner)
                         OR (b.user_uid = owner AND b.target_uid = viewer))
          AND (NOT EXISTS (SELECT 1 FROM "user" o WHERE o.uid = owner AND o.is_private)
               OR EXISTS (SELECT 1 FROM follow f WHERE f.follower_uid = viewer AND f.followee_uid = owner)))
$$;

-- The post `viewer` wants to act on (reply, comment, like, repost, quote, bookmark), if visible, with a
-- KEY SHARE lock: DeletePost locks the row FOR UPDATE, so an interaction racing a delete either lands
-- before it or sees the tombstone (the recheck of deleted_at after the lock wait) and writes nothing.
CREATE OR REPLACE FUNCTION interactable_post(viewer text, target uuid) RETURNS SETOF post
LANGUAGE sql VOLATILE AS $$
  SELECT p.* FROM post p
  WHERE p.id = target AND p.deleted_at IS NULL
    AND EXISTS (SELECT 1 FROM visible_posts(viewer) v WHERE v.id = p.id)
  FOR KEY SHARE OF p
$$;

-- The comments `viewer` may see: on posts viewer may see, by accounts no block separates from viewer.
-- Tombstones (deleted_at set, content emptied) are included so answers keep their place.
CREATE OR REPLACE FUNCTION visible_comments(viewer text) RETURNS SETOF comment
LANGUAGE sql STABLE AS $$
  SELECT c.* FROM comment c
  WHERE EXISTS (SELECT 1 FROM visible_posts(viewer) p WHERE p.id = c.post_id)
    AND (c.author_uid = viewer
         OR NOT EXISTS (SELECT 1 FROM block b
                        WHERE (b.user_uid = viewer AND b.target_uid = c.author_uid)
                           OR (b.user_uid = c.author_uid AND b.target_uid = viewer)))
$$;

-- A post as `viewer` sees it: the one row shape every post-returning operation answers with (feeds,
-- thread, replies, bookmarks). Empty when viewer may not see the post. References to other posts
-- (replyToId, repostOfId, quoteOfId, embed) are filled only when viewer may see those too; `kind`
-- still says what the post is, so "a reply to a post you cannot see" renders without naming it.
CREATE OR REPLACE FUNCTION post_card(viewer text, post_id uuid)
RETURNS TABLE (
  "id" text, "kind" text, "content" text, "visibility" text, "createdAt" text, "editedAt" text,
  "replyToId" text, "repostOfId" text, "quoteOfId" text,
  "authorUid" text, "authorUsername" text, "authorDisplayName" text, "authorAvatarUrl" text,
  "likeCount" int, "commentCount" int, "shareCount" int, "replyCount" int,
  "likedByMe" boolean, "bookmarkedByMe" boolean, "embed" json
)
LANGUAGE sql STABLE AS $$
  SELECT replace(p.id::text, '-', ''),
         CASE WHEN p.repost_of_id IS NOT NULL THEN 'REPOST' WHEN p.quote_of_id IS NOT NULL THEN 'QUOTE'
              WHEN p.reply_to_id IS NOT NULL THEN 'REPLY' ELSE 'POST' END,
         p.content,
         p.visibility::text,
         to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         to_char(p.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         replace(r.id::text, '-', ''),
         CASE WHEN p.repost_of_id IS NOT NULL THEN replace(e.id::text, '-', '') END,
         CASE WHEN p.quote_of_id IS NOT NULL THEN replace(e.id::text, '-', '') END,
         u.uid, u.username, u.display_name, u.avatar_url,
         coalesce(s.like_count, 0), coalesce(s.comment_count, 0),
         coalesce(s.share_count, 0), coalesce(s.reply_count, 0),
         EXISTS (SELECT 1 FROM "like" l WHERE l.user_uid = viewer AND l.post_id = p.id),
         EXISTS (SELECT 1 FROM bookmark b WHERE b.user_uid = viewer AND b.post_id = p.id),
         CASE WHEN e.id IS NOT NULL THEN json_build_object(
           'id', replace(e.id::text, '-', ''),
           'content', e.content,
           'visibility', e.visibility::text,
           'createdAt', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'editedAt', to_char(e.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'authorUid', eu.uid, 'authorUsername', eu.username,
           'authorDisplayName', eu.display_name, 'authorAvatarUrl', eu.avatar_url) END
  FROM visible_posts(viewer) p
  JOIN "user" u ON u.uid = p.author_uid
  LEFT JOIN post_stats s ON s.post_id = p.id
  LEFT JOIN visible_posts(viewer) r ON r.id = p.reply_to_id
  LEFT JOIN visible_posts(viewer) e ON e.id = coalesce(p.repost_of_id, p.quote_of_id)
  LEFT JOIN "user" eu ON eu.uid = e.author_uid
  WHERE p.id = post_card.post_id
  -- One row at most anyway; LIMIT keeps the inlined subquery from being flattened into the caller, so
  -- each card is a keyed lookup per row of the page (a flattened one let the planner hash-join the
  -- page against every visible post, evaluating the rule on all of them).
  LIMIT 1
$$;
