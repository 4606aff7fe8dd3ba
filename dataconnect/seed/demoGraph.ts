// A realistic demo graph, generated inside Postgres with set-based SQL (seconds, not minutes):
// power-law follows with a few celebrities, posts over the last 90 days, replies, likes, comments and
// bookmarks, then every counter recounted from the rows. Runs through Data Connect's native `_execute`.

/** How big the demo graph is. */
export interface DemoGraphSize {
  users: number;
  /** Mean follows per user (log-normal, capped at `users - 1`). */
  meanFollows: number;
  /** Posts per user on average (skewed: a few prolific authors). */
  postsPerUser: number;
  /** Likes per post on average (heavy-tailed). */
  likesPerPost: number;
  /** Comments per post on average. */
  commentsPerPost: number;
}

/** What `npm start` loads on first run. */
export const DEFAULT_DEMO_SIZE: DemoGraphSize = {
  users: 2000,
  meanFollows: 25,
  postsPerUser: 10,
  likesPerPost: 3,
  commentsPerPost: 0.5,
};

/** The demo users' uids: `demo-0001`…; `demo-0001` to `demo-0005` are the celebrities. */
export function demoUid(i: number): string {
  return `demo-${String(i).padStart(4, "0")}`;
}

/** The statements that load the graph, in order; each is one data-changing statement. */
export function demoGraphStatements(size: DemoGraphSize = DEFAULT_DEMO_SIZE, seed = 0.42): string[] {
  const n = Math.max(10, Math.floor(size.users));
  const uid = (expr: string) => `'demo-' || lpad((${expr})::text, 4, '0')`;
  return [
    // Fixed seed: the same graph every time.
    `WITH s AS (SELECT setseed(${seed})) INSERT INTO "user" (uid, username, display_name, bio, created_at, updated_at)
     SELECT ${uid("g")}, 'user' || g, initcap((ARRAY['ada','grace','alan','edsger','barbara','ken','linus','margaret','donald','frances'])[1 + g % 10]) || ' ' || g,
            CASE WHEN g <= 5 THEN 'Famous account #' || g ELSE NULL END, now() - interval '120 days', now()
     FROM s, generate_series(1, ${n}) g ON CONFLICT (uid) DO NOTHING`,
    // Follows: each user follows a log-normal number of accounts; followees drawn zipf-like (u^3), so
    // the first accounts (the celebrities) collect most followers.
    `INSERT INTO follow (follower_uid, followee_uid, created_at)
     SELECT DISTINCT ON (f, t) ${uid("f")}, ${uid("t")}, now() - (random() * interval '90 days')
     FROM (SELECT f, least(${n - 1}, greatest(1, floor(exp(ln(${size.meanFollows}) - 0.8 + 1.2 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())))))::int AS k
           FROM generate_series(1, ${n}) f) a
     CROSS JOIN LATERAL (SELECT 1 + floor(${n} * power(random(), 3))::int AS t FROM generate_series(1, a.k)) b
     WHERE t <> f
     ON CONFLICT DO NOTHING`,
    // Posts over 90 days, authors skewed toward prolific ones; a few are followers-only, 2% deleted.
    `INSERT INTO post (author_uid, content, visibility, created_at, deleted_at)
     SELECT ${uid("1 + floor(" + n + " * power(random(), 1.5))::int")},
            (ARRAY['Shipping a new feature today 🚀','Anyone else debugging timezones again?','Coffee first, then Postgres.','Hot take: keyset pagination everywhere.','Reading about feeds at scale.','Offline-first is a feature.'])[1 + floor(random() * 6)::int] || ' #' || g,
            CASE WHEN random() < 0.05 THEN 'FOLLOWERS' ELSE 'PUBLIC' END::visibility,
            ts, CASE WHEN random() < 0.02 THEN ts + interval '1 hour' ELSE NULL END
     FROM (SELECT g, now() - (random() * interval '90 days') AS ts FROM generate_series(1, ${Math.floor(n * size.postsPerUser)}) g) p`,
    // Some replies to public posts (random accounts: the visibility rule keeps them off followers-only
    // posts, and so do the likes, comments and bookmarks below).
    `INSERT INTO post (author_uid, content, reply_to_id, created_at)
     SELECT ${uid("1 + floor(random() * " + n + ")::int")}, 'Great point!', p.id, p.created_at + interval '5 minutes'
     FROM post p WHERE p.deleted_at IS NULL AND p.reply_to_id IS NULL AND p.visibility = 'PUBLIC' AND random() < 0.1`,
    `INSERT INTO post_stats (post_id) SELECT id FROM post ON CONFLICT DO NOTHING`,
    // Likes: heavy-tailed per post.
    `INSERT INTO "like" (user_uid, post_id, created_at)
     SELECT DISTINCT ON (u, p.id) ${uid("u")}, p.id, p.created_at + interval '1 minute'
     FROM post p CROSS JOIN LATERAL (SELECT 1 + floor(random() * ${n})::int AS u
                                     -- "0 * length(p.content)" ties the count to the post: uncorrelated, it would be drawn once
                                     FROM generate_series(1, floor(${size.likesPerPost * 3} * power(random(), 2) + 0 * length(p.content))::int) k) l
     WHERE p.deleted_at IS NULL AND p.visibility = 'PUBLIC' ON CONFLICT DO NOTHING`,
    `INSERT INTO comment (post_id, author_uid, content, created_at)
     SELECT p.id, ${uid("1 + floor(random() * " + n + ")::int")}, 'Nice one', p.created_at + interval '10 minutes'
     FROM post p CROSS JOIN generate_series(1, 3) k
     WHERE p.deleted_at IS NULL AND p.visibility = 'PUBLIC' AND random() < ${size.commentsPerPost / 3}`,
    `INSERT INTO bookmark (user_uid, post_id, created_at)
     SELECT ${uid("1 + floor(random() * " + n + ")::int")}, p.id, now() FROM post p
     WHERE p.deleted_at IS NULL AND p.visibility = 'PUBLIC' AND random() < 0.05
     ON CONFLICT DO NOTHING`,
    // Counters recounted from the rows: exact by construction.
    `UPDATE "user" u SET follower_count = (SELECT count(*) FROM follow f WHERE f.followee_uid = u.uid),
                         following_count = (SELECT count(*) FROM follow f WHERE f.follower_uid = u.uid),
                         post_count = (SELECT count(*) FROM post p WHERE p.author_uid = u.uid AND p.deleted_at IS NULL)
     WHERE u.uid LIKE 'demo-%'`,
    // Set-based (hash joins), not a correlated count per post: seconds instead of minutes.
    `UPDATE post_stats s SET like_count = c.likes, comment_count = c.comments, reply_count = c.replies, share_count = c.shares
     FROM (SELECT p.id, coalesce(l.n, 0) AS likes, coalesce(m.n, 0) AS comments, coalesce(r.n, 0) AS replies, coalesce(h.n, 0) AS shares
           FROM post p
           LEFT JOIN (SELECT post_id, count(*) AS n FROM "like" GROUP BY post_id) l ON l.post_id = p.id
           LEFT JOIN (SELECT post_id, count(*) AS n FROM comment WHERE deleted_at IS NULL GROUP BY post_id) m ON m.post_id = p.id
           LEFT JOIN (SELECT reply_to_id AS post_id, count(*) AS n FROM post WHERE reply_to_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1) r ON r.post_id = p.id
           LEFT JOIN (SELECT x AS post_id, count(*) AS n FROM post, LATERAL (VALUES (repost_of_id), (quote_of_id)) v(x)
                      WHERE x IS NOT NULL AND deleted_at IS NULL GROUP BY 1) h ON h.post_id = p.id) c
     WHERE s.post_id = c.id`,
  ];
}
