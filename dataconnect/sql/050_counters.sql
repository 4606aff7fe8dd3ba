-- Counters never go below zero, even if a bug tried: the last line of defence behind operations that move
-- a counter only when the row it counts really changed (see connector/posts.gql, engagement.gql).
-- The first time this runs on a database it recounts every post's counters from the rows (live rows
-- only; likes as like rows), so counters drifted by earlier versions are repaired before the CHECK is
-- added. Later runs find the constraint and do nothing.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'post_stats_counters_not_negative') THEN
    INSERT INTO post_stats (post_id) SELECT id FROM post ON CONFLICT (post_id) DO NOTHING;
    UPDATE post_stats s SET like_count = c.likes, comment_count = c.comments, reply_count = c.replies,
                            share_count = c.shares
    FROM (SELECT p.id, coalesce(l.n, 0) AS likes, coalesce(m.n, 0) AS comments, coalesce(r.n, 0) AS replies,
                 coalesce(h.n, 0) AS shares
          FROM post p
          LEFT JOIN (SELECT post_id, count(*) AS n FROM "like" GROUP BY post_id) l ON l.post_id = p.id
          LEFT JOIN (SELECT post_id, count(*) AS n FROM comment WHERE deleted_at IS NULL GROUP BY post_id) m
            ON m.post_id = p.id
          LEFT JOIN (SELECT reply_to_id AS post_id, count(*) AS n FROM post
                     WHERE reply_to_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1) r ON r.post_id = p.id
          LEFT JOIN (SELECT coalesce(repost_of_id, quote_of_id) AS post_id, count(*) AS n FROM post
                     WHERE coalesce(repost_of_id, quote_of_id) IS NOT NULL AND deleted_at IS NULL GROUP BY 1) h
            ON h.post_id = p.id) c
    WHERE s.post_id = c.id;
    ALTER TABLE post_stats ADD CONSTRAINT post_stats_counters_not_negative
      CHECK (like_count >= 0 AND comment_count >= 0 AND share_count >= 0 AND reply_count >= 0);
  END IF;
END $$;
