// Home-feed query forms as SQL taking the same parameters: $1 viewer uid, $2 cursor time
// (timestamptz text), $3 cursor id (uuid text), $4 page size. The shipped form is read from
// dataconnect/connector/feeds.gql; the variants reuse its projection (post_card over the `page` of keys)
// so that only the way the page's keys are found differs.

/** The first page's cursor: later than every post (what feeds.gql tells clients to start with). */
export const FIRST_CURSOR = { time: "9999-12-31T23:59:59Z", id: "ffffffff-ffff-ffff-ffff-ffffffffffff" };

const AUTHORS = `authors AS (
      SELECT f.followee_uid AS uid FROM follow f WHERE f.follower_uid = $1
      UNION ALL
      SELECT $1
    )`;

const VISIBLE = `visible AS (
      SELECT a.uid FROM authors a
      WHERE NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = a.uid)
        AND NOT EXISTS (SELECT 1 FROM block b WHERE (b.user_uid = $1 AND b.target_uid = a.uid) OR (b.user_uid = a.uid AND b.target_uid = $1))
    )`;

const LATERAL_PAGE = (source: string, gate = "") => `SELECT c.created_at, c.id
      FROM ${source} v
      CROSS JOIN LATERAL (
        SELECT p.created_at, p.id FROM post p
        WHERE p.author_uid = v.uid AND p.deleted_at IS NULL
          AND (p.created_at, p.id) < ($2::timestamptz, $3::uuid)
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT LEAST($4::int, 50)
      ) c${
        gate
          ? `
      WHERE ${gate}`
          : ""
      }
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT LEAST($4::int, 50)`;

/** Post visible to $1 (own or followed author, not muted, no block either way): the relational predicate. */
const VISIBLE_POST = (authorExpr: string) => `(p.author_uid = $1
          OR EXISTS (SELECT 1 FROM follow f WHERE f.follower_uid = $1 AND f.followee_uid = ${authorExpr}))
        AND NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = p.author_uid)
        AND NOT EXISTS (SELECT 1 FROM block b WHERE (b.user_uid = $1 AND b.target_uid = p.author_uid) OR (b.user_uid = p.author_uid AND b.target_uid = $1))`;

/**
 * The reference: a plain relational query with the full keyset, ids and times only, any length.
 * $4 is not clamped, so it also lists a whole feed.
 */
export const REFERENCE_SQL = `SELECT replace(p.id::text, '-', '') AS id,
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"
FROM post p
WHERE p.deleted_at IS NULL AND (p.created_at, p.id) < ($2::timestamptz, $3::uuid)
  AND ${VISIBLE_POST("p.author_uid")}
ORDER BY p.created_at DESC, p.id DESC
LIMIT $4::int`;

/** Index the adaptive form's time walk needs (not in dataconnect/sql): live posts, newest first. */
export const LIVE_RECENT_INDEX =
  "CREATE INDEX bench_post_live_recent_idx ON post (created_at DESC, id DESC) WHERE deleted_at IS NULL";

/** Following count at which the adaptive form switches from per-author probes to the time walk. */
export const ADAPTIVE_THRESHOLD = 2000;

/** One SQL form of the feed: a name for tables, and its statement. */
export interface SqlForm {
  name: string;
  sql: string;
}

/**
 * The projection HomeFeed had before the visibility rule reached its output (issue #12): columns
 * written inline, references to other posts unchecked. Kept to measure what `post_card` costs.
 */
const INLINE_PROJECTION = `SELECT replace(p.id::text, '-', '') AS "id", p.content AS "content",
           p.visibility::text AS "visibility",
           to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
           to_char(p.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "editedAt",
           replace(p.reply_to_id::text, '-', '') AS "replyToId", replace(p.repost_of_id::text, '-', '') AS "repostOfId",
           replace(p.quote_of_id::text, '-', '') AS "quoteOfId", u.uid AS "authorUid", u.username AS "authorUsername",
           u.display_name AS "authorDisplayName", u.avatar_url AS "authorAvatarUrl",
           coalesce(s.like_count, 0) AS "likeCount", coalesce(s.comment_count, 0) AS "commentCount",
           coalesce(s.share_count, 0) AS "shareCount", coalesce(s.reply_count, 0) AS "replyCount",
           EXISTS (SELECT 1 FROM "like" l WHERE l.user_uid = $1 AND l.post_id = p.id) AS "likedByMe",
           EXISTS (SELECT 1 FROM bookmark b WHERE b.user_uid = $1 AND b.post_id = p.id) AS "bookmarkedByMe"
    FROM page JOIN post p ON p.id = page.id JOIN "user" u ON u.uid = p.author_uid
    LEFT JOIN post_stats s ON s.post_id = p.id
    ORDER BY page.created_at DESC, page.id DESC`;

/** The SQL variants, built around the shipped HomeFeed statement `shipped` (from feeds.gql). */
export function sqlForms(shipped: string): {
  [key in "shipped" | "inlineProjection" | "noFilter" | "join" | "adaptive"]: SqlForm;
} {
  // HomeFeed finds its page's keys in home_feed_keys (dataconnect/sql/090_home_feed.sql) and presents them
  // with post_card; the variants find the keys another way and present them the same.
  const call = "home_feed_keys($1, $2::timestamptz, $3::uuid, $4::int)";
  if (!shipped.trimStart().startsWith(`SELECT c.* FROM ${call} page`))
    throw new Error("HomeFeed no longer reads its page from home_feed_keys");
  const projection = shipped.replace(`${call} page`, "page").trim();
  const shippedPage = `WITH page AS (SELECT * FROM ${call})\n    `;
  const withPage = (ctes: string[], page: string) =>
    `WITH ${[...ctes, `page AS (\n      ${page}\n    )`].join(", ")}\n    ${projection}`;
  return {
    shipped: { name: "shipped HomeFeed SQL", sql: shipped },
    inlineProjection: {
      name: "shipped page, pre-#12 inline projection (no post_card)",
      sql: `${shippedPage}${INLINE_PROJECTION}`,
    },
    noFilter: {
      name: "LATERAL keys, no block/mute filter",
      sql: withPage([AUTHORS], LATERAL_PAGE("authors")),
    },
    join: {
      name: "relational EXISTS + keyset (hand SQL)",
      sql: withPage(
        [],
        `SELECT p.created_at, p.id FROM post p
      WHERE p.deleted_at IS NULL AND (p.created_at, p.id) < ($2::timestamptz, $3::uuid)
        AND ${VISIBLE_POST("p.author_uid")}
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT LEAST($4::int, 50)`,
      ),
    },
    adaptive: {
      name: `adaptive (LATERAL < ${ADAPTIVE_THRESHOLD} follows, time walk above)`,
      sql: withPage(
        [AUTHORS, VISIBLE],
        `(${LATERAL_PAGE("visible", `(SELECT u.following_count FROM "user" u WHERE u.uid = $1) < ${ADAPTIVE_THRESHOLD}`)}
        -- evaluated once per execution (One-Time Filter): only one branch runs
        ) UNION ALL (
      SELECT p.created_at, p.id FROM post p
      WHERE (SELECT u.following_count FROM "user" u WHERE u.uid = $1) >= ${ADAPTIVE_THRESHOLD}
        AND p.deleted_at IS NULL AND (p.created_at, p.id) < ($2::timestamptz, $3::uuid)
        -- "|| ''" keeps the planner off the per-author index: this branch walks time backwards
        AND ${VISIBLE_POST("p.author_uid || ''")}
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT LEAST($4::int, 50))`,
      ),
    },
  };
}
