// Writes through the engine over HTTP, open loop at a target rate over 32 connections: follow then
// unfollow, like then unlike, post, sign-up (the Auth mirror's MirrorAuthUser, as the function calls
// it: an admin call); then every counter the run touched is compared with COUNT(*) of its rows (likes
// after settling them with SettleLikeCounts, as the sweep does). And one hot post that everybody likes.
import type pg from "pg";
import type { LatencySummary } from "../../lib/stats.ts";
import { GRAPH_END_S, uidOf } from "./graph.ts";
import { type Call, type Client, runOpenLoop } from "./openLoop.ts";
import { emulatorIdToken } from "./tokens.ts";

export const WRITE_CLIENTS = 32;

/** One write run. */
export interface WriteRow {
  operation: string;
  rate: number;
  achieved: number;
  latency: LatencySummary;
  errors: number;
  errorSample: string;
}

/** Counters compared with their rows after the writes. */
export interface CounterCheck {
  counter: string;
  checked: number;
  wrong: number;
}

const user = (uid: string): Call["token"] => emulatorIdToken(uid);
const mutation = (operationName: string, variables: unknown, token: string | undefined): Call => ({
  path: "/connectors/social:executeMutation",
  body: { operationName, variables },
  token,
});
/** An admin call (firebase-admin's executeMutation as the Auth mirror function runs it). */
const admin = (operationName: string, variables: unknown): Call => ({
  path: "/connectors/social:impersonateMutation",
  body: { operationName, variables },
});

/** Picks `n` distinct (a, b) user-number pairs of ordinary accounts, a ≠ b. */
function pairs(n: number, users: number, seed: number): [number, number][] {
  const seen = new Set<number>();
  const out: [number, number][] = [];
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    return 1 + (x % users);
  };
  while (out.length < n) {
    const a = next();
    const b = next();
    if (a === b || seen.has(a * users + b)) continue;
    seen.add(a * users + b);
    out.push([a, b]);
  }
  return out;
}

/** Runs the write operations at `rate` each; returns their rows and the counter checks. */
export async function measureWrites(
  client: Client,
  db: pg.Client,
  ordinaryUsers: number,
  rate: number,
  time: number,
  onRow: (row: WriteRow) => void,
): Promise<{ rows: WriteRow[]; checks: CounterCheck[] }> {
  const seconds = 8 * time;
  const n = Math.round(rate * seconds);
  const rows: WriteRow[] = [];
  const run = async (operation: string, next: (i: number) => Call, at = rate) => {
    const result = await runOpenLoop(client, { rate: at, seconds, connections: WRITE_CLIENTS }, next);
    const row: WriteRow = {
      operation,
      rate: at,
      achieved: result.achievedPerSecond,
      latency: result.latency,
      errors: result.errorCount,
      errorSample: [...result.errors.keys()].slice(0, 2).join("; "),
    };
    rows.push(row);
    onRow(row);
  };

  // Follow, then unfollow the same pairs: pairs that neither follow already nor block each other (either
  // way), so every Follow should succeed (on a small graph a random pair often follows already).
  const candidates = pairs(Math.ceil(n * 1.2) + 100, ordinaryUsers, 0x5eed + Math.floor(Date.now() / 1000));
  const { rows: taken } = await db.query<{ i: number }>(
    `SELECT t.i::int AS i FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(a, b, i)
     WHERE EXISTS (SELECT 1 FROM follow f WHERE f.follower_uid = t.a AND f.followee_uid = t.b)
        OR EXISTS (SELECT 1 FROM block k WHERE (k.user_uid = t.a AND k.target_uid = t.b)
                                            OR (k.user_uid = t.b AND k.target_uid = t.a))`,
    [candidates.map(([a]) => uidOf(a)), candidates.map(([, b]) => uidOf(b))],
  );
  const excluded = new Set(taken.map((r) => r.i - 1));
  const followPairs = candidates.filter((_, i) => !excluded.has(i)).slice(0, n);
  await run("Follow", (i) => {
    const [a, b] = followPairs[i % followPairs.length]!;
    return mutation("Follow", { uid: uidOf(b) }, user(uidOf(a)));
  });
  await run("Unfollow (the same pairs)", (i) => {
    const [a, b] = followPairs[i % followPairs.length]!;
    return mutation("Unfollow", { uid: uidOf(b) }, user(uidOf(a)));
  });

  // Like, then unlike: public live posts of the last day (visible to everyone), random likers.
  const { rows: recent } = await db.query<{ id: string }>(
    `SELECT replace(id::text, '-', '') AS id FROM post
     WHERE deleted_at IS NULL AND visibility = 'PUBLIC' AND created_at > to_timestamp($1) - interval '1 day'
     ORDER BY created_at DESC LIMIT 50000`,
    [GRAPH_END_S],
  );
  // n distinct (liker, post) pairs that are not liked yet and have no block between liker and author,
  // so every LikePost and UnlikePost is expected to succeed.
  const drawn = pairs(Math.ceil(n * 1.3) + 100, ordinaryUsers, 0x11ce + Math.floor(Date.now() / 1000)).map(
    ([a, b]): [string, string] => [uidOf(a), recent[b % recent.length]!.id],
  );
  const candidateLikes = [...new Map(drawn.map((p) => [`${p[0]}/${p[1]}`, p])).values()];
  const { rows: unusable } = await db.query<{ i: number }>(
    `SELECT t.i::int AS i FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS t(u, post_id, i)
     JOIN post p ON p.id = t.post_id
     WHERE EXISTS (SELECT 1 FROM "like" l WHERE l.user_uid = t.u AND l.post_id = t.post_id)
        OR EXISTS (SELECT 1 FROM block k WHERE (k.user_uid = t.u AND k.target_uid = p.author_uid)
                                            OR (k.user_uid = p.author_uid AND k.target_uid = t.u))`,
    [candidateLikes.map(([u]) => u), candidateLikes.map(([, post]) => post)],
  );
  const skip = new Set(unusable.map((r) => r.i - 1));
  const distinctLikes = candidateLikes.filter((_, i) => !skip.has(i)).slice(0, n);
  await run("LikePost", (i) => {
    const [uid, post] = distinctLikes[i % distinctLikes.length]!;
    return mutation("LikePost", { post }, user(uid));
  });
  await run("UnlikePost (half of them)", (i) => {
    const [uid, post] = distinctLikes[(2 * i) % distinctLikes.length]!;
    return mutation("UnlikePost", { post }, user(uid));
  });

  // Posts by random users, and sign-ups of new accounts.
  const stamp = Date.now().toString(36);
  await run("CreatePost", (i) =>
    mutation(
      "CreatePost",
      { content: `Benchmark post ${stamp}.${i}` },
      user(uidOf(1 + ((i * 7919) % ordinaryUsers))),
    ),
  );
  await run("MirrorAuthUser (sign-up)", (i) =>
    admin("MirrorAuthUser", {
      uid: `signup-${stamp}-${i}`,
      displayName: `New user ${i}`,
      username: `new_${stamp}_${i}`,
    }),
  );
  // Sign-up latency below saturation: what one new user waits for when the service is not overloaded.
  await run(
    "MirrorAuthUser (sign-up), at 500/s",
    (i) =>
      admin("MirrorAuthUser", {
        uid: `signup-${stamp}-slow-${i}`,
        displayName: `New user ${i}`,
        username: `new_${stamp}_s${i}`,
      }),
    500,
  );

  // Settle the likes the run touched (what the sweep would do), then check every touched counter.
  const posts = [...new Set(distinctLikes.map((p) => p[1]))];
  for (let k = 0; k < posts.length; k += 500) {
    const answer = await client.send(admin("SettleLikeCounts", { posts: posts.slice(k, k + 500) }));
    if (answer.status !== 200) throw new Error(`SettleLikeCounts: HTTP ${answer.status}`);
  }
  const touchedUsers = [...new Set(followPairs.flat().map(uidOf))];
  const authors = [...new Set(Array.from({ length: n }, (_, i) => uidOf(1 + ((i * 7919) % ordinaryUsers))))];
  const checks: CounterCheck[] = [];
  const check = async (counter: string, sql: string, keys: string[]) => {
    const { rows: wrong } = await db.query<{ n: number }>(sql, [keys]);
    checks.push({ counter, checked: keys.length, wrong: wrong[0]!.n });
  };
  await check(
    "user.followingCount",
    `SELECT count(*)::int AS n FROM "user" u WHERE u.uid = ANY($1)
       AND u.following_count <> (SELECT count(*) FROM follow f WHERE f.follower_uid = u.uid)`,
    touchedUsers,
  );
  await check(
    "user.followerCount",
    `SELECT count(*)::int AS n FROM "user" u WHERE u.uid = ANY($1)
       AND u.follower_count <> (SELECT count(*) FROM follow f WHERE f.followee_uid = u.uid)`,
    touchedUsers,
  );
  await check(
    "user.postCount",
    `SELECT count(*)::int AS n FROM "user" u WHERE u.uid = ANY($1)
       AND u.post_count <> (SELECT count(*) FROM post p WHERE p.author_uid = u.uid AND p.deleted_at IS NULL)`,
    authors,
  );
  await check(
    "postStat.likeCount (settled)",
    `SELECT count(*)::int AS n FROM unnest($1::uuid[]) AS t(id)
       WHERE coalesce((SELECT s.like_count FROM post_stats s WHERE s.post_id = t.id), 0)
          <> (SELECT count(*) FROM "like" l WHERE l.post_id = t.id)`,
    posts,
  );
  const { rows: signups } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "user" WHERE uid LIKE $1`,
    [`signup-${stamp}-%`],
  );
  const expectedSignups = n + Math.round(500 * seconds);
  checks.push({
    counter: "sign-ups present",
    checked: expectedSignups,
    wrong: expectedSignups - signups[0]!.n,
  });
  return { rows, checks };
}

/** One hot post: `rate` likes/s by distinct users for `seconds`, then settled; the count must be exact. */
export async function measureHotLike(
  client: Client,
  db: pg.Client,
  ordinaryUsers: number,
  rate: number,
  time: number,
): Promise<{ row: WriteRow; settleMs: number; count: number; rows: number }> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT replace(id::text, '-', '') AS id FROM post
     WHERE deleted_at IS NULL AND visibility = 'PUBLIC' ORDER BY created_at DESC LIMIT 1`,
  );
  const post = rows[0]!.id;
  const seconds = 6 * time;
  const likers = Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    user(uidOf(1 + ((i * 104_729 + 17) % ordinaryUsers))),
  );
  const result = await runOpenLoop(client, { rate, seconds, connections: WRITE_CLIENTS }, (i) =>
    mutation("LikePost", { post }, likers[i]),
  );
  const started = performance.now();
  const answer = await client.send(admin("SettleLikeCounts", { posts: [post] }));
  if (answer.status !== 200) throw new Error(`SettleLikeCounts: HTTP ${answer.status}`);
  const settleMs = performance.now() - started;
  const { rows: count } = await db.query<{ count: number; rows: number }>(
    `SELECT (SELECT like_count FROM post_stats WHERE post_id = $1) AS count,
            (SELECT count(*)::int FROM "like" WHERE post_id = $1) AS rows`,
    [post],
  );
  return {
    row: {
      operation: "LikePost, one hot post",
      rate,
      achieved: result.achievedPerSecond,
      latency: result.latency,
      errors: result.errorCount,
      errorSample: [...result.errors.keys()].slice(0, 2).join("; "),
    },
    settleMs,
    count: count[0]!.count,
    rows: count[0]!.rows,
  };
}
