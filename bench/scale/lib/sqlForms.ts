// Feed statements measured as SQL alone (one session, one at a time), next to HomeFeed over HTTP:
// HomeFeed's page as shipped, the same as it was before issue #18 (both branches gated on
// following_count, the block test as one OR, the walk probing `follow` per post, unbounded), and the
// seeds' JOIN form. Keys only (no post_card projection), so the three compare like for like.
import type pg from "pg";
import { compileRookery, nativeSqlOf } from "../../feed/lib/project.ts";
import { type LatencySummary, summarize } from "../../lib/stats.ts";
import { FIRST, GROUPS, PAGE, type Viewer } from "./viewers.ts";

/** The seed article's home feed: a JOIN of posts with my follows, newest first (plus the keyset). */
export const JOIN_SQL = `SELECT p.id, p.content, p.created_at FROM post p
  JOIN follow f ON f.followee_uid = p.author_uid
  WHERE f.follower_uid = $1 AND p.deleted_at IS NULL AND (p.created_at, p.id) < ($2::timestamptz, $3::uuid)
  ORDER BY p.created_at DESC, p.id DESC LIMIT $4`;

/** HomeFeed's page before #18 (dataconnect/connector/feeds.gql at 7d5c326), keys only. */
export const PREVIOUS_HOMEFEED_SQL = `WITH authors AS (
      SELECT f.followee_uid AS uid FROM follow f WHERE f.follower_uid = $1
      UNION ALL
      SELECT $1
    ), visible AS (
      SELECT a.uid FROM authors a
      WHERE NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = a.uid)
        AND NOT EXISTS (SELECT 1 FROM block b WHERE (b.user_uid = $1 AND b.target_uid = a.uid) OR (b.user_uid = a.uid AND b.target_uid = $1))
    ), page AS (
      (SELECT c.created_at, c.id
       FROM visible v
       CROSS JOIN LATERAL (
         SELECT p.created_at, p.id FROM post p
         WHERE p.author_uid = v.uid AND p.deleted_at IS NULL
           AND (p.created_at, p.id) < ($2::timestamptz, $3::uuid)
         ORDER BY p.created_at DESC, p.id DESC
         LIMIT LEAST(GREATEST($4::int, 1), 50)
       ) c
       WHERE (SELECT u.following_count FROM "user" u WHERE u.uid = $1) < 1000
       ORDER BY c.created_at DESC, c.id DESC
       LIMIT LEAST(GREATEST($4::int, 1), 50))
      UNION ALL
      (SELECT p.created_at, p.id FROM post p
       WHERE (SELECT u.following_count FROM "user" u WHERE u.uid = $1) >= 1000
         AND p.deleted_at IS NULL AND (p.created_at, p.id) < ($2::timestamptz, $3::uuid)
         AND (p.author_uid = $1 OR EXISTS (SELECT 1 FROM follow f WHERE f.follower_uid = $1 AND f.followee_uid = p.author_uid || ''))
         AND NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = p.author_uid)
         AND NOT EXISTS (SELECT 1 FROM block b WHERE (b.user_uid = $1 AND b.target_uid = p.author_uid) OR (b.user_uid = p.author_uid AND b.target_uid = $1))
       ORDER BY p.created_at DESC, p.id DESC
       LIMIT LEAST(GREATEST($4::int, 1), 50))
    )
    SELECT page.id FROM page ORDER BY page.created_at DESC, page.id DESC`;

/** HomeFeed's page as dataconnect/connector/feeds.gql ships it, keys only (its post_card projection cut). */
export async function currentHomeFeedSql(): Promise<string> {
  const shipped = await nativeSqlOf(await compileRookery(), "HomeFeed");
  const call = "home_feed_keys($1, $2::timestamptz, $3::uuid, $4::int)";
  if (!shipped.includes(call)) throw new Error("HomeFeed no longer reads its page from home_feed_keys");
  return `SELECT page.id FROM ${call} page ORDER BY page.created_at DESC, page.id DESC`;
}

/** One SQL cell: form × group × page; `timeouts` calls hit the statement timeout. */
export interface SqlCell {
  form: string;
  group: string;
  page: "first" | "deep";
  latency: LatencySummary | undefined;
  timeouts: number;
  n: number;
}

/** A statement to time: its name in the tables, its SQL, and how many viewers per cell it gets. */
export interface SqlForm {
  form: string;
  sql: string;
  samples: number;
}

/**
 * Times every form for up to `samples` viewers per group and page, the forms taking turns viewer by
 * viewer (so none profits from caches another warmed; each cell's first viewer only warms them); a
 * call over `timeoutMs` counts as a timeout, and after 3 in a cell that form stops there.
 */
export async function measureSql(
  client: pg.Client,
  forms: readonly SqlForm[],
  viewers: Viewer[],
  timeoutMs: number,
  onCell: (cell: SqlCell) => void,
): Promise<SqlCell[]> {
  await client.query(`SET statement_timeout = ${timeoutMs}`);
  const cells: SqlCell[] = [];
  try {
    for (const group of GROUPS) {
      const members = viewers.filter((v) => v.group === group);
      for (const page of ["first", "deep"] as const) {
        const times = forms.map((): number[] => []);
        const timeouts = forms.map(() => 0);
        for (const [k, v] of members.entries()) {
          const cursor = page === "first" ? FIRST : v.deep;
          for (const [f, { sql, samples }] of forms.entries()) {
            if (k >= samples || timeouts[f]! >= 3) continue;
            const started = performance.now();
            try {
              await client.query(sql, [v.uid, cursor.time, cursor.id, PAGE]);
              if (k > 0) times[f]!.push(performance.now() - started);
            } catch (error) {
              if ((error as { code?: string }).code !== "57014") throw error;
              timeouts[f]!++;
            }
          }
        }
        for (const [f, { form }] of forms.entries()) {
          const cell: SqlCell = {
            form,
            group,
            page,
            latency: times[f]!.length ? summarize(times[f]!) : undefined,
            timeouts: timeouts[f]!,
            n: times[f]!.length + timeouts[f]!,
          };
          cells.push(cell);
          onCell(cell);
        }
      }
    }
  } finally {
    await client.query("RESET statement_timeout");
  }
  const order = (c: SqlCell) => forms.findIndex((f) => f.form === c.form);
  return cells.sort((a, b) => order(a) - order(b)); // form by form for the table (a stable sort)
}
