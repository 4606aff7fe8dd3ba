// What the counter tests check: every counter against COUNT(*) of the live rows it counts.
import type { Database } from "../../../packages/dataconnect-emulator/src/db/database.ts";

/** Every counter that differs from the rows it counts (empty when all are exact). */
export async function counterDrift(
  db: Database,
): Promise<{ what: string; counter: number; actual: number }[]> {
  const rows = await db.query<{ what: string; counter: number; actual: number }>(`
    SELECT 'followers ' || u.uid AS what, u.follower_count AS counter,
           (SELECT count(*)::int FROM follow f WHERE f.followee_uid = u.uid) AS actual FROM "user" u
    UNION ALL SELECT 'following ' || u.uid, u.following_count,
           (SELECT count(*)::int FROM follow f WHERE f.follower_uid = u.uid) FROM "user" u
    UNION ALL SELECT 'posts ' || u.uid, u.post_count,
           (SELECT count(*)::int FROM post p WHERE p.author_uid = u.uid AND p.deleted_at IS NULL) FROM "user" u
    UNION ALL SELECT 'likes ' || s.post_id, s.like_count,
           (SELECT count(*)::int FROM "like" l WHERE l.post_id = s.post_id) FROM post_stats s
    UNION ALL SELECT 'comments ' || s.post_id, s.comment_count,
           (SELECT count(*)::int FROM comment c WHERE c.post_id = s.post_id AND c.deleted_at IS NULL) FROM post_stats s
    UNION ALL SELECT 'replies ' || s.post_id, s.reply_count,
           (SELECT count(*)::int FROM post r WHERE r.reply_to_id = s.post_id AND r.deleted_at IS NULL) FROM post_stats s
    UNION ALL SELECT 'shares ' || s.post_id, s.share_count,
           (SELECT count(*)::int FROM post r WHERE coalesce(r.repost_of_id, r.quote_of_id) = s.post_id
              AND r.deleted_at IS NULL) FROM post_stats s
    UNION ALL SELECT 'stats row missing ' || p.id, 0, 1 FROM post p
           WHERE NOT EXISTS (SELECT 1 FROM post_stats s WHERE s.post_id = p.id)`);
  return rows.filter((r) => r.counter !== r.actual);
}
