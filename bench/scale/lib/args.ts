// Command-line flags of bench/scale/run.ts.
import os from "node:os";
import path from "node:path";
import type { GraphSize } from "./graph.ts";

/** The parts of the benchmark, in the order they run. */
export const PARTS = ["reads", "forms", "throughput", "writes", "hotlike", "connections"] as const;
export type Part = (typeof PARTS)[number];

/** What one run does. */
export interface ScaleOptions {
  /** A server database to use (must be empty, or hold this graph with --reuse); else a private cluster. */
  databaseUrl: string | undefined;
  /** Folder of the private cluster (kept between runs unless --clean). */
  clusterDir: string;
  size: GraphSize;
  /** Keep the graph already in the database (same size and seed) instead of loading it again. */
  reuse: boolean;
  /** Remove the private cluster's folder at the end. */
  clean: boolean;
  /** `--clean` with nothing else to do (no flag but `--cluster`): remove the cluster, run nothing. */
  cleanOnly: boolean;
  /** Load only, measure nothing. */
  loadOnly: boolean;
  parts: Part[];
  /** Scales every measurement's duration (0.2 for a quick look). */
  time: number;
  /** Where to write results (text and SVG). */
  resultsName: string | undefined;
}

const DEFAULTS = { users: 1_000_000, follows: 50_000_000, posts: 15_000_000 };

/** Parses `--flag=value` arguments. */
export function parseArgs(argv: readonly string[]): ScaleOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    flags.set(m[1]!, m[2] ?? "true");
  }
  const known = [
    "database-url",
    "cluster",
    "users",
    "follows",
    "posts",
    "planted",
    "silent",
    "seed",
    "reuse",
    "clean",
    "load-only",
    "only",
    "time",
    "results",
  ];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown flag --${k}`);
  const num = (k: string) => {
    if (!flags.has(k)) return undefined;
    const n = Number(flags.get(k));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number`);
    return n;
  };
  const users = num("users") ?? DEFAULTS.users;
  const scale = users / DEFAULTS.users;
  const small = users < 200_000;
  const only = flags.get("only");
  const parts = only ? only.split(",") : [...PARTS];
  for (const p of parts) if (!PARTS.includes(p as Part)) throw new Error(`--only: unknown part ${p}`);
  return {
    databaseUrl: flags.get("database-url"),
    clusterDir: path.resolve(flags.get("cluster") ?? path.join(os.tmpdir(), "rookery-scale")),
    size: {
      users,
      follows: num("follows") ?? Math.round(DEFAULTS.follows * scale),
      posts: num("posts") ?? Math.round(DEFAULTS.posts * scale),
      plantedPerBucket: num("planted") ?? (small ? 20 : 200),
      silentPerKind: num("silent") ?? (small ? 10 : 50),
      seed: num("seed") ?? 18,
    },
    reuse: flags.has("reuse"),
    clean: flags.has("clean"),
    cleanOnly: flags.has("clean") && [...flags.keys()].every((k) => k === "clean" || k === "cluster"),
    loadOnly: flags.has("load-only"),
    parts: parts as Part[],
    time: num("time") ?? 1,
    resultsName: flags.get("results"),
  };
}
