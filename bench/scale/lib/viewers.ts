// The measured viewers (planted bucket viewers and silent viewers), their deep-page cursors, their
// expected pages (from a reference query, not from the statement under test), and HomeFeed calls.
import type pg from "pg";
import { REFERENCE_SQL } from "../../feed/lib/forms.ts";
import { BUCKETS, type Graph, SILENT_KINDS, uidOf } from "./graph.ts";
import type { Call } from "./openLoop.ts";
import { emulatorIdToken } from "./tokens.ts";

/** First-page cursor: later than every post. */
export const FIRST = { time: "9999-12-31T23:59:59Z", id: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
/** The deep page starts after the 200th item: page 11. */
export const DEEP_INDEX = 199;
export const PAGE = 20;

export interface Cursor {
  time: string;
  id: string;
}

/** A measured viewer: uid, group label, token, deep cursor and the ids its two pages must hold. */
export interface Viewer {
  uid: string;
  group: string;
  token: string;
  deep: Cursor;
  firstIds: string[];
  deepIds: string[];
}

/** The newest `n` feed keys of `uid`, by LATERAL top-n per visible followee (fast for any viewer). */
const HEAD_SQL = `WITH authors AS (
    SELECT f.followee_uid AS uid FROM follow f WHERE f.follower_uid = $1 UNION ALL SELECT $1
  ), visible AS (
    SELECT a.uid FROM authors a
    WHERE NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = a.uid)
      AND NOT EXISTS (SELECT 1 FROM block b WHERE b.user_uid = $1 AND b.target_uid = a.uid)
      AND NOT EXISTS (SELECT 1 FROM block b WHERE b.user_uid = a.uid AND b.target_uid = $1)
  )
  SELECT to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time,
         replace(c.id::text, '-', '') AS id
  FROM visible v CROSS JOIN LATERAL (
    SELECT p.created_at, p.id FROM post p WHERE p.author_uid = v.uid AND p.deleted_at IS NULL
    ORDER BY p.created_at DESC, p.id DESC LIMIT $2) c
  ORDER BY c.created_at DESC, c.id DESC LIMIT $2`;

/** Group labels: follow buckets, then the silent kinds. */
export const bucketGroup = (b: number) => `follows ${b.toLocaleString("en-US")}`;
export const GROUPS = [...BUCKETS.map(bucketGroup), ...SILENT_KINDS];

/** Up to `perGroup` viewers of every group, with their deep cursors. */
export async function loadViewers(client: pg.Client, graph: Graph, perGroup: number): Promise<Viewer[]> {
  const groups: [string, number[]][] = [
    ...[...graph.layout.buckets].map(([b, v]): [string, number[]] => [bucketGroup(b), v]),
    ...[...graph.layout.silent].map(([k, v]): [string, number[]] => [k, v]),
  ];
  const viewers: Viewer[] = [];
  for (const [group, numbers] of groups)
    for (const n of numbers.slice(0, perGroup)) {
      const uid = uidOf(n);
      const { rows } = await client.query<Cursor>(HEAD_SQL, [uid, DEEP_INDEX + 1 + PAGE]);
      const at = rows[Math.min(DEEP_INDEX, rows.length - 1)] ?? FIRST;
      viewers.push({
        uid,
        group,
        token: emulatorIdToken(uid),
        deep: at,
        firstIds: rows.slice(0, PAGE).map((r) => r.id),
        deepIds: rows.slice(DEEP_INDEX + 1, DEEP_INDEX + 1 + PAGE).map((r) => r.id),
      });
    }
  return viewers;
}

/**
 * A HomeFeed request for `viewer` from `cursor`. With `expected`, the answer must be exactly those
 * posts in that order (every measured answer is checked, not only a sample); without, any page of at
 * most 20.
 */
export function homeFeedCall(viewer: { token: string }, cursor: Cursor = FIRST, expected?: string[]): Call {
  return {
    path: "/connectors/social:executeQuery",
    token: viewer.token,
    body: {
      operationName: "HomeFeed",
      variables: { beforeTime: cursor.time, beforeId: cursor.id, limit: PAGE },
    },
    page: expected === undefined ? { max: PAGE } : { ids: expected },
  };
}

/** Ids of the reference's page for `uid` after `cursor` (the plain relational query). */
export async function referencePage(client: pg.Client, uid: string, cursor: Cursor): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(REFERENCE_SQL, [uid, cursor.time, cursor.id, PAGE]);
  return rows.map((r) => r.id);
}
