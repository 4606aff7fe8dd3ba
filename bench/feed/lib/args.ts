// Command-line flags of bench/feed/run.ts.
import type { GraphSize } from "./graph.ts";

/** What one run does: where, how big, how many samples. */
export interface FeedBenchOptions {
  databaseUrl: string | undefined;
  size: GraphSize;
  /** Timed users per bucket and page (fewer for forms slower than SLOW_MS). */
  samples: number;
  /** Users per bucket whose pages are checked against the reference. */
  checkUsers: number;
  /** Skip generation: the database at --database-url already holds a graph of this size. */
  reuse: boolean;
}

/** Parses `--database-url=… --users=N --follows=N --posts=N --samples=N --small --reuse`. */
export function parseArgs(argv: readonly string[]): FeedBenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    flags.set(m[1]!, m[2] ?? "true");
  }
  const known = [
    "database-url",
    "users",
    "follows",
    "posts",
    "samples",
    "small",
    "reuse",
    "check-users",
    "planted",
  ];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown flag --${k}`);
  const num = (k: string) => (flags.has(k) ? Number(flags.get(k)) : undefined);
  const databaseUrl = flags.get("database-url");
  const small = flags.has("small");
  const defaults = small
    ? { users: 20_000, follows: 600_000, posts: 300_000, planted: 10, samples: 10 }
    : databaseUrl
      ? { users: 1_000_000, follows: 50_000_000, posts: 15_000_000, planted: 250, samples: 200 }
      : { users: 50_000, follows: 2_000_000, posts: 1_000_000, planted: 50, samples: 50 };
  const users = num("users") ?? defaults.users;
  // Follows and posts scale with --users unless given.
  const scale = users / defaults.users;
  return {
    databaseUrl,
    size: {
      users,
      follows: num("follows") ?? Math.round(defaults.follows * scale),
      posts: num("posts") ?? Math.round(defaults.posts * scale),
      plantedPerBucket: num("planted") ?? defaults.planted,
    },
    samples: num("samples") ?? defaults.samples,
    checkUsers: num("check-users") ?? 3,
    reuse: flags.has("reuse"),
  };
}
