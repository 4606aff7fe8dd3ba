// Issue #10's workload: many signed-in accounts liking, unliking, following, unfollowing and posting at
// once over HTTP, with deliberate failures mixed in (over-long posts, duplicate likes and follows,
// unfollowing strangers), while others read their feeds. Each account acts one step at a time, so what
// every step must answer, and what the database must hold at the end, follows from the steps alone.
import { emulatorIdToken } from "../../../packages/dataconnect-emulator/test/protocol/support/tokens.ts";

/** One account's step and what it must answer. */
type Step =
  | { op: "LikePost"; post: string; expect: "ok" | "ALREADY_EXISTS" }
  | { op: "UnlikePost"; post: string; expect: "ok" }
  // A second Follow is refused by Follow's own check ("you already follow this account", issue #16).
  | { op: "Follow"; uid: string; expect: "ok" | "PERMISSION_DENIED" }
  | { op: "Unfollow"; uid: string; expect: "ok" | "PERMISSION_DENIED" }
  | { op: "CreatePost"; content: string; expect: "ok" | "INVALID_ARGUMENT" };

/** What a run saw: every unexpected answer, and the final state the steps imply. */
export interface WorkloadReport {
  calls: number;
  /** Answers that differ from what the step had to answer (empty when the engine is right). */
  surprises: string[];
  /** Deliberate failures, each followed by a request of the same account that had to succeed. */
  deliberateFailures: number;
  expected: {
    likes: Set<string>; // `${uid} ${post}`
    follows: Set<string>; // `${follower} ${followee}`
    postCounts: Map<string, number>;
  };
}

/** A deterministic pseudo-random sequence (mulberry32), so every run is the same workload. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The uids of the workload's accounts. */
export const workloadUids = (accounts: number) =>
  Array.from({ length: accounts }, (_, i) => `load-${String(i).padStart(3, "0")}`);

/** Creates the accounts (two posts each, counters true) through the admin API. */
export async function seedWorkload(serviceUrl: string, accounts: number): Promise<string[]> {
  const uids = workloadUids(accounts);
  const users = uids.map((uid) => `{uid: "${uid}", displayName: "${uid}", postCount: 2}`).join(", ");
  await adminGraphql(serviceUrl, `mutation { user_insertMany(data: [${users}]) }`);
  const posts = uids.flatMap((uid) => [1, 2].map((n) => `{authorUid: "${uid}", content: "${uid} #${n}"}`));
  const inserted = await adminGraphql(
    serviceUrl,
    `mutation { post_insertMany(data: [${posts.join(", ")}]) }`,
  );
  const ids = (inserted.post_insertMany as { id: string }[]).map((key) => key.id);
  const stats = ids.map((id) => `{postId: "${id}"}`).join(", ");
  await adminGraphql(serviceUrl, `mutation { postStat_insertMany(data: [${stats}]) }`);
  return ids;
}

/** Runs the workload: each account's steps in order, all accounts at once, plus `readers` feed readers. */
export async function runWorkload(
  serviceUrl: string,
  options: { accounts: number; stepsPerAccount: number; posts: string[]; readers: number },
): Promise<WorkloadReport> {
  const uids = workloadUids(options.accounts);
  const report: WorkloadReport = {
    calls: 0,
    surprises: [],
    deliberateFailures: 0,
    expected: { likes: new Set(), follows: new Set(), postCounts: new Map(uids.map((u) => [u, 2])) },
  };
  const call = async (uid: string, kind: "Query" | "Mutation", operationName: string, variables = {}) => {
    report.calls++;
    const res = await fetch(`${serviceUrl}/connectors/social:execute${kind}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-firebase-auth-token": emulatorIdToken(uid) },
      body: JSON.stringify({ operationName, variables }),
    });
    const text = await res.text();
    if (/transaction is aborted|read-only transaction/.test(text)) {
      report.surprises.push(`${uid} ${operationName}: ${text.slice(0, 300)}`);
    }
    return {
      status: res.status,
      text,
      body: JSON.parse(text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
    };
  };

  const account = async (uid: string, index: number) => {
    const next = random(index + 1);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const likes = new Set<string>();
    const follows = new Set<string>();
    const others = uids.filter((u) => u !== uid);
    for (let s = 0; s < options.stepsPerAccount; s++) {
      const roll = next();
      let step: Step;
      if (roll < 0.3) {
        // Likes and unlikes over a few posts, so duplicates happen.
        const post = pick(options.posts.slice(0, 12));
        step = { op: "LikePost", post, expect: likes.has(post) ? "ALREADY_EXISTS" : "ok" };
      } else if (roll < 0.45) {
        step = { op: "UnlikePost", post: pick(options.posts.slice(0, 12)), expect: "ok" };
      } else if (roll < 0.65) {
        const other = pick(others.slice(0, 15));
        step = { op: "Follow", uid: other, expect: follows.has(other) ? "PERMISSION_DENIED" : "ok" };
      } else if (roll < 0.8) {
        const other = pick(others.slice(0, 15));
        step = { op: "Unfollow", uid: other, expect: follows.has(other) ? "ok" : "PERMISSION_DENIED" };
      } else {
        const tooLong = next() < 0.4;
        step = {
          op: "CreatePost",
          content: tooLong ? "x".repeat(5001) : `${uid} step ${s}`,
          expect: tooLong ? "INVALID_ARGUMENT" : "ok",
        };
      }
      const { op, expect: expected, ...variables } = step;
      const { status, body, text } = await call(uid, "Mutation", op, variables);
      const codes = (body.errors ?? []).map((e) => e.extensions?.code);
      const outcome = status !== 200 ? `HTTP ${status}` : codes.length === 0 ? "ok" : codes.join(",");
      const matches = expected === "ok" ? outcome === "ok" : status === 200 && codes.includes(expected);
      if (!matches)
        report.surprises.push(`${uid} ${op}: expected ${expected}, got ${outcome}: ${text.slice(0, 300)}`);
      if (outcome === "ok") {
        if (step.op === "LikePost") likes.add(step.post);
        if (step.op === "UnlikePost") likes.delete(step.post);
        if (step.op === "Follow") follows.add(step.uid);
        if (step.op === "Unfollow") follows.delete(step.uid);
        if (step.op === "CreatePost")
          report.expected.postCounts.set(uid, report.expected.postCounts.get(uid)! + 1);
      } else {
        report.deliberateFailures++;
        // The very next request of the same account must succeed.
        const after = await call(uid, "Query", "GetMe");
        if (after.status !== 200 || after.body.errors?.length) {
          report.surprises.push(`${uid} GetMe after a failed ${op}: ${after.text.slice(0, 300)}`);
        }
      }
    }
    for (const post of likes) report.expected.likes.add(`${uid} ${post}`);
    for (const other of follows) report.expected.follows.add(`${uid} ${other}`);
  };

  let reading = true;
  const reader = async (index: number) => {
    const uid = uids[index % uids.length]!;
    const feed = { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
    while (reading) {
      const res = await call(uid, "Query", "HomeFeed", feed);
      if (res.status !== 200 || res.body.errors?.length)
        report.surprises.push(`${uid} HomeFeed: ${res.text.slice(0, 300)}`);
    }
  };
  const readers = Array.from({ length: options.readers }, (_, i) => reader(i));
  await Promise.all(uids.map(account));
  reading = false;
  await Promise.all(readers);
  return report;
}

/** What the database holds for the workload's accounts, read through the admin API. */
export async function actualState(serviceUrl: string, accounts: number) {
  const data = await adminGraphql(
    serviceUrl,
    `{
      likes(where: {userUid: {startsWith: "load-"}}, limit: 100000) { userUid postId }
      follows(where: {followerUid: {startsWith: "load-"}}, limit: 100000) { followerUid followeeUid }
      users(where: {uid: {startsWith: "load-"}}, limit: ${accounts}) {
        uid followerCount followingCount postCount
        followers: follows_on_followee { followerUid }
        following: follows_on_follower { followeeUid }
        posts: posts_on_author(where: {deletedAt: {isNull: true}}) { id }
      }
    }`,
  );
  return data as {
    likes: { userUid: string; postId: string }[];
    follows: { followerUid: string; followeeUid: string }[];
    users: {
      uid: string;
      followerCount: number;
      followingCount: number;
      postCount: number;
      followers: unknown[];
      following: unknown[];
      posts: unknown[];
    }[];
  };
}

async function adminGraphql(serviceUrl: string, query: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${serviceUrl}:executeGraphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (res.status !== 200 || body.errors?.length)
    throw new Error(`admin GraphQL failed: ${JSON.stringify(body)}`);
  return body.data!;
}
