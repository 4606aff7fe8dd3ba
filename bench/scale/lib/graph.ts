// The 1M-user graph, generated in Node from a seed and streamed as binary COPY rows. Distributions are
// bench/feed's (shared/specs/feed-performance.md §2): following log-normal (σ 1.6) capped at 5,000,
// followees zipf-like (floor(N·u³)+1), post authors skewed (floor(N·u^1.5)+1), posts over 90 days in
// time order (10% followers-only, 2% tombstoned, 5% of requests two posts sharing one timestamp),
// like counts for ~20% of live posts with exactly that many like rows, background mutes and blocks.
// Planted viewers are the measured sample:
//   * bucket viewers follow exactly 10 / 100 / 1,000 / 5,000 distinct zipf-drawn accounts (each mutes
//     every 25th followee, blocks every 40th and is blocked by another 40th, as in bench/feed);
//   * silent viewers follow accounts with no post in the 90 days ("silent authors": one post each,
//     100–400 days old): 1,000 silent; 5,000 silent; one active account + 4,999 silent.
// Rows are emitted in key order where that is free (follows by (follower uid, followee uid), with
// created_at falling along a follower's list, users by uid), so that three of the largest indexes
// build from presorted input.
import { createHash } from "node:crypto";
import { BinaryRows } from "./copyBinary.ts";
import { Random } from "./random.ts";

/** What to generate. */
export interface GraphSize {
  users: number;
  /** Follow edges in total (planted included). */
  follows: number;
  posts: number;
  /** Viewers per follow bucket. */
  plantedPerBucket: number;
  /** Viewers per silent kind. */
  silentPerKind: number;
  seed: number;
}

/** The follow buckets measured, and the silent viewer kinds. */
export const BUCKETS = [10, 100, 1_000, 5_000] as const;
export const SILENT_KINDS = ["1,000 silent", "5,000 silent", "1 active + 4,999 silent"] as const;
export type SilentKind = (typeof SILENT_KINDS)[number];
const SILENT_FOLLOWS: Record<SilentKind, number> = {
  "1,000 silent": 1_000,
  "5,000 silent": 5_000,
  "1 active + 4,999 silent": 5_000,
};

/** The newest instant of the graph (seconds since the epoch); posts span the 90 days before it. */
export const GRAPH_END_S = Date.UTC(2026, 0, 1) / 1000;
const DAY_S = 86_400;
const SIGMA = 1.6;
const MAX_FOLLOWS = 5_000;
const PAIR_SHARE = 0.05;
const SILENT_AUTHORS = 6_000;
const LOREM =
  " lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum";

/** User number `i` (1-based) as a 28-character, Firebase-Auth-like uid (the same as bench/feed's). */
export function uidOf(i: number): string {
  return createHash("md5").update(`rookery:${i}`).digest("hex").slice(0, 28);
}

/** Which user numbers play which part. */
export interface Layout {
  users: number;
  /** Ordinary accounts: 1..ordinary. */
  ordinary: number;
  /** Silent authors: a contiguous range after the ordinary accounts. */
  silentAuthors: [first: number, last: number];
  /** Bucket viewers per bucket (user numbers). */
  buckets: Map<number, number[]>;
  /** Silent viewers per kind. */
  silent: Map<SilentKind, number[]>;
}

/** The user-number layout of a graph of `size`. */
export function layoutOf(size: GraphSize): Layout {
  const planted = BUCKETS.length * size.plantedPerBucket + SILENT_KINDS.length * size.silentPerKind;
  const ordinary = size.users - SILENT_AUTHORS - planted;
  if (ordinary < 1000) throw new Error(`--users=${size.users} is too small for the planted viewers`);
  let next = ordinary + SILENT_AUTHORS + 1;
  const take = (n: number) => Array.from({ length: n }, () => next++);
  return {
    users: size.users,
    ordinary,
    silentAuthors: [ordinary + 1, ordinary + SILENT_AUTHORS],
    buckets: new Map(BUCKETS.map((b) => [b, take(size.plantedPerBucket)])),
    silent: new Map(SILENT_KINDS.map((k) => [k, take(size.silentPerKind)])),
  };
}

/** Rows per table, known once generated; counters for the users table. */
export interface GraphCounts {
  follows: number;
  posts: number;
  livePosts: number;
  likes: number;
  postStats: number;
  mutes: number;
  blocks: number;
  users: number;
}

/**
 * The graph: uids, followee lists on demand, and the row streams of every table. Stateful: stream
 * `follows()` and `posts()` (in any interleaving) before `likes()`, `postStats()`, `users()`.
 */
export class Graph {
  readonly size: GraphSize;
  readonly layout: Layout;
  /** uid bytes of user i at [28·i, 28·i + 28). */
  readonly uids: Buffer;
  /** User numbers in uid order, and each user's position in it. */
  readonly byUid: Int32Array;
  readonly rankOf: Int32Array;
  readonly following: Int32Array;
  readonly followers: Int32Array;
  readonly livePosts: Int32Array;
  /** Planted viewers' followee lists (for their mutes and blocks). */
  readonly plantedFollows = new Map<number, Int32Array>();
  readonly counts: GraphCounts = {
    follows: 0,
    posts: 0,
    livePosts: 0,
    likes: 0,
    postStats: 0,
    mutes: 0,
    blocks: 0,
    users: 0,
  };
  /** Liked posts: 16-byte ids back to back, and like counts, for post_stats and like rows. */
  #likedIds = Buffer.alloc(0);
  #likedCounts = new Uint8Array(0);
  #liked = 0;
  readonly #mu: number;

  constructor(size: GraphSize) {
    this.size = size;
    this.layout = layoutOf(size);
    const N = size.users;
    this.uids = Buffer.alloc(28 * (N + 1));
    for (let i = 1; i <= N; i++) this.uids.write(uidOf(i), 28 * i, "latin1");
    const order = Array.from({ length: N }, (_, k) => k + 1);
    order.sort((a, b) => this.uids.compare(this.uids, 28 * b, 28 * b + 28, 28 * a, 28 * a + 28));
    this.byUid = Int32Array.from(order);
    this.rankOf = new Int32Array(N + 1);
    for (let r = 0; r < N; r++) this.rankOf[order[r]!] = r;
    this.following = new Int32Array(N + 1);
    this.followers = new Int32Array(N + 1);
    this.livePosts = new Int32Array(N + 1);
    this.#mu = this.#calibrateMu();
  }

  /** Expected follow rows (exact: every viewer's followees are drawn distinct). */
  get expectedFollows(): number {
    let total = 0;
    const rng = new Random(this.size.seed ^ 0x1f0);
    for (let i = 1; i <= this.layout.ordinary; i++) total += this.#countFor(rng.normal(), this.#mu);
    return total + this.#plantedFollowCount();
  }

  #plantedFollowCount(): number {
    let total = 0;
    for (const [b, viewers] of this.layout.buckets) total += b * viewers.length;
    for (const [k, viewers] of this.layout.silent) total += SILENT_FOLLOWS[k] * viewers.length;
    return total;
  }

  #countFor(z: number, mu: number): number {
    return Math.min(MAX_FOLLOWS, this.layout.users - 2, Math.floor(Math.exp(mu + SIGMA * z)));
  }

  /** The log-normal μ whose capped draws add up to the requested follows (bisection on the same draws). */
  #calibrateMu(): number {
    const target = this.size.follows - this.#plantedFollowCount();
    const rng = new Random(this.size.seed ^ 0x1f0);
    const zs = Float64Array.from({ length: this.layout.ordinary }, () => rng.normal());
    let lo = -5;
    let hi = 12;
    for (let step = 0; step < 50; step++) {
      const mid = (lo + hi) / 2;
      let total = 0;
      for (const z of zs) total += this.#countFor(z, mid);
      if (total < target) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** A zipf-like draw over all users: floor(N·u³) + 1. */
  #zipf(rng: Random): number {
    return Math.floor(this.size.users * rng.next() ** 3) + 1;
  }

  #isSilentAuthor(i: number): boolean {
    return i >= this.layout.silentAuthors[0] && i <= this.layout.silentAuthors[1];
  }

  /** Followee lists of every follower, in uid order of the follower; each list sorted by uid. */
  *#followLists(): Generator<[follower: number, followees: Int32Array]> {
    const { layout } = this;
    const N = this.size.users;
    const countRng = new Random(this.size.seed ^ 0x1f0);
    const counts = new Int32Array(N + 1);
    for (let i = 1; i <= layout.ordinary; i++) counts[i] = this.#countFor(countRng.normal(), this.#mu);
    const kind = new Map<number, (rng: Random, draw: () => number) => number>();
    for (const [b, viewers] of layout.buckets) for (const v of viewers) counts[v] = b;
    const [s0, s1] = layout.silentAuthors;
    const silentDraw = (rng: Random) => s0 + Math.floor(rng.next() * (s1 - s0 + 1));
    for (const [k, viewers] of layout.silent)
      for (const v of viewers) {
        counts[v] = SILENT_FOLLOWS[k];
        kind.set(v, (rng, draw) =>
          // The mixed kind: its first draw is one active account (one of the 1,000 most active authors).
          k === "1 active + 4,999 silent" && draw() === 0
            ? 1 + Math.floor(rng.next() * 1000)
            : silentDraw(rng),
        );
      }
    const seen = new Int32Array(N + 1);
    const list = new Int32Array(MAX_FOLLOWS);
    for (let r = 0; r < N; r++) {
      const follower = this.byUid[r]!;
      const c = counts[follower]!;
      if (c === 0) continue;
      // A stream per follower, so a follower's list does not depend on who came before.
      const rng = new Random(this.size.seed * 7919 + follower);
      const special = kind.get(follower);
      let drawn = 0;
      let n = 0;
      while (n < c) {
        const f = special ? special(rng, () => drawn++) : this.#zipf(rng);
        if (f === follower || seen[f] === follower) continue;
        seen[f] = follower;
        list[n++] = f;
      }
      // Sorted by uid: by rank with the native numeric sort, then back to user numbers.
      const followees = new Int32Array(n);
      for (let k = 0; k < n; k++) followees[k] = this.rankOf[list[k]!]!;
      followees.sort();
      for (let k = 0; k < n; k++) followees[k] = this.byUid[followees[k]!]!;
      if (counts[follower] !== 0 && follower > layout.ordinary) this.plantedFollows.set(follower, followees);
      yield [follower, followees];
    }
  }

  /** follow rows (follower_uid, followee_uid, created_at) in primary-key order. */
  async *follows(): AsyncGenerator<Buffer> {
    const out = new BinaryRows();
    const rng = new Random(this.size.seed ^ 0xf011);
    for (const [follower, followees] of this.#followLists()) {
      // created_at falls along the list (followee uid order), so (follower, created_at DESC) is sorted too.
      let t = GRAPH_END_S - Math.floor(rng.next() * DAY_S);
      const gap = Math.max(1, Math.floor((365 * DAY_S) / (followees.length + 1)));
      for (const f of followees) {
        out
          .row(3)
          .bytes(this.uids, 28 * follower, 28 * follower + 28)
          .bytes(this.uids, 28 * f, 28 * f + 28);
        out.timestampSeconds(t);
        t -= 1 + Math.floor(rng.next() * gap);
        this.followers[f]!++;
        if (out.full) yield out.take();
      }
      this.following[follower] = followees.length;
      this.counts.follows += followees.length;
    }
    yield out.take();
  }

  /** An author for a post request: skewed to low user numbers; never a silent author or a silent viewer. */
  #author(rng: Random): number {
    const firstSilentViewer = this.layout.silent.get(SILENT_KINDS[0])![0] ?? this.size.users + 1;
    for (;;) {
      const a = Math.floor(this.size.users * rng.next() ** 1.5) + 1;
      if (!this.#isSilentAuthor(a) && a < firstSilentViewer) return a;
    }
  }

  /** post rows (id, author_uid, content, visibility, created_at, deleted_at) in time order. */
  async *posts(): AsyncGenerator<Buffer> {
    const out = new BinaryRows();
    const rng = new Random(this.size.seed ^ 0x9057);
    const id = Buffer.alloc(16);
    const emit = (author: number, t: number, text: string, followersOnly: boolean, deleted: boolean) => {
      rng.uuidInto(id, 0);
      out
        .row(6)
        .bytes(id)
        .bytes(this.uids, 28 * author, 28 * author + 28);
      out
        .text(deleted ? "" : text)
        .text(followersOnly ? "FOLLOWERS" : "PUBLIC")
        .timestampSeconds(t);
      if (deleted) out.timestampSeconds(t + 3600);
      else out.null();
      this.counts.posts++;
      if (deleted) return;
      this.counts.livePosts++;
      this.livePosts[author]!++;
      const u = rng.next();
      const likes = Math.floor(4 * u ** 6);
      if (likes > 0) {
        if (this.#liked === this.#likedCounts.length) {
          const capacity = Math.max(1024, 2 * this.#liked);
          const ids = Buffer.alloc(16 * capacity);
          this.#likedIds.copy(ids);
          this.#likedIds = ids;
          const counts = new Uint8Array(capacity);
          counts.set(this.#likedCounts);
          this.#likedCounts = counts;
        }
        id.copy(this.#likedIds, 16 * this.#liked);
        this.#likedCounts[this.#liked++] = likes;
      }
    };
    // Silent authors: one post each, 100–400 days before the end, oldest first.
    const [s0, s1] = this.layout.silentAuthors;
    const old = Array.from({ length: s1 - s0 + 1 }, (_, k) => ({
      author: s0 + k,
      t: GRAPH_END_S - 100 * DAY_S - Math.floor(rng.next() * 300 * DAY_S),
    })).sort((a, b) => a.t - b.t);
    for (const { author, t } of old) {
      emit(author, t, `An old post by a quiet account.${LOREM}`, false, false);
      if (out.full) yield out.take();
    }
    const requests = Math.round((this.size.posts - old.length) / (1 + PAIR_SHARE));
    const start = GRAPH_END_S - 90 * DAY_S;
    for (let g = 1; g <= requests; g++) {
      const author = this.#author(rng);
      const t = start + Math.floor((g * 90 * DAY_S) / requests);
      const n = rng.next() < PAIR_SHARE ? 2 : 1;
      const followersOnly = rng.next() < 0.1;
      for (let j = 1; j <= n; j++)
        emit(author, t, `Post ${g}.${j}:${LOREM}`, followersOnly, rng.next() < 0.02);
      if (out.full) yield out.take();
    }
    yield out.take();
  }

  /** post_stats rows (post_id, like_count, updated_at) of the liked posts. */
  async *postStats(): AsyncGenerator<Buffer> {
    const out = new BinaryRows();
    for (let k = 0; k < this.#liked; k++) {
      out
        .row(3)
        .bytes(this.#likedIds, 16 * k, 16 * k + 16)
        .int4(this.#likedCounts[k]!);
      out.timestampSeconds(GRAPH_END_S);
      this.counts.postStats++;
      if (out.full) yield out.take();
    }
    yield out.take();
  }

  /** like rows (user_uid, post_id, created_at): exactly like_count distinct users per liked post. */
  async *likes(): AsyncGenerator<Buffer> {
    const out = new BinaryRows();
    const rng = new Random(this.size.seed ^ 0x11ce);
    const N = this.size.users;
    for (let k = 0; k < this.#liked; k++) {
      const users: number[] = [];
      while (users.length < this.#likedCounts[k]!) {
        const u = 1 + Math.floor(rng.next() * N);
        if (!users.includes(u)) users.push(u);
      }
      for (const u of users) {
        out
          .row(3)
          .bytes(this.uids, 28 * u, 28 * u + 28)
          .bytes(this.#likedIds, 16 * k, 16 * k + 16);
        out.timestampSeconds(GRAPH_END_S);
        this.counts.likes++;
      }
      if (out.full) yield out.take();
    }
    yield out.take();
  }

  /** Mute pairs: background (N/20 draws) and every 25th followee of each bucket viewer. */
  mutePairs(): [number, number][] {
    const rng = new Random(this.size.seed ^ 0x307e);
    const pairs = new Map<number, [number, number]>();
    const add = (a: number, b: number) => {
      if (a !== b) pairs.set(a * (this.size.users + 1) + b, [a, b]);
    };
    for (let k = 0; k < Math.ceil(this.size.users / 20); k++)
      add(1 + Math.floor(rng.next() * this.layout.ordinary), this.#zipf(rng));
    for (const viewers of this.layout.buckets.values())
      for (const v of viewers)
        this.plantedFollows.get(v)?.forEach((f, k) => {
          if (k % 25 === 7) add(v, f);
        });
    this.counts.mutes = pairs.size;
    return [...pairs.values()];
  }

  /** Block pairs: background (N/50 draws) and, per bucket viewer, every 40th followee blocked and another 40th blocking. */
  blockPairs(): [number, number][] {
    const rng = new Random(this.size.seed ^ 0xb10c);
    const pairs = new Map<number, [number, number]>();
    const add = (a: number, b: number) => {
      if (a !== b) pairs.set(a * (this.size.users + 1) + b, [a, b]);
    };
    const ordinary = () => 1 + Math.floor(rng.next() * this.layout.ordinary);
    for (let k = 0; k < Math.ceil(this.size.users / 50); k++) add(ordinary(), ordinary());
    // Blocks between follow partners cannot arise through the Block mutation (it removes the follows);
    // planted anyway, as in bench/feed, so that the feed's block filter has work to do.
    for (const viewers of this.layout.buckets.values())
      for (const v of viewers)
        this.plantedFollows.get(v)?.forEach((f, k) => {
          if (k % 40 === 11) add(v, f);
          if (k % 40 === 13) add(f, v);
        });
    this.counts.blocks = pairs.size;
    return [...pairs.values()];
  }

  /** (user_uid, target_uid, created_at) rows of mute or block pairs. */
  async *pairs(pairs: [number, number][]): AsyncGenerator<Buffer> {
    const out = new BinaryRows();
    for (const [a, b] of pairs) {
      out
        .row(3)
        .bytes(this.uids, 28 * a, 28 * a + 28)
        .bytes(this.uids, 28 * b, 28 * b + 28);
      out.timestampSeconds(GRAPH_END_S);
      if (out.full) yield out.take();
    }
    yield out.take();
  }

  /** user rows in uid order, with counters equal to the rows generated (call after follows and posts). */
  async *users(): AsyncGenerator<Buffer> {
    const out = new BinaryRows();
    const created = GRAPH_END_S - 400 * DAY_S;
    for (let r = 0; r < this.size.users; r++) {
      const i = this.byUid[r]!;
      out
        .row(9)
        .bytes(this.uids, 28 * i, 28 * i + 28)
        .text(`user${i}`)
        .text(`User ${i}`)
        .bool(false);
      out.int4(this.followers[i]!).int4(this.following[i]!).int4(this.livePosts[i]!);
      out.timestampSeconds(created).timestampSeconds(created);
      this.counts.users++;
      if (out.full) yield out.take();
    }
    yield out.take();
  }
}

/** Column lists of the COPY statements, in the order the generators write values. */
export const COPY_COLUMNS = {
  follow: "(follower_uid, followee_uid, created_at)",
  post: "(id, author_uid, content, visibility, created_at, deleted_at)",
  post_stats: "(post_id, like_count, updated_at)",
  like: "(user_uid, post_id, created_at)",
  mute: "(user_uid, target_uid, created_at)",
  block: "(user_uid, target_uid, created_at)",
  user: "(uid, username, display_name, is_private, follower_count, following_count, post_count, created_at, updated_at)",
} as const;
