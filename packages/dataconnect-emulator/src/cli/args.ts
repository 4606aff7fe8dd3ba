import type { ListenAddress } from "../protocol/http-server.ts";

/** A command line the emulator cannot run; `main` prints it with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A command line split into its words (`dev`, `sdk generate`) and its flags (last one wins). */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string>;
}

// Flags that take no value (`--watch` = `--watch=true`); every other flag needs one.
const BOOLEAN_FLAGS = new Set([
  "logtostderr",
  "alsologtostderr",
  "watch",
  "enable_output_schema_extensions",
  "enable_output_generated_sdk",
]);

/**
 * Parses Go-style flags: `-name` or `--name`, with `=value` or the value as the next word; boolean flags
 * may stand alone. Flags may come before or after the subcommand (firebase-tools puts `--logtostderr -v=2`
 * first).
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const flag = /^--?([A-Za-z0-9_.-]+)(?:=(.*))?$/s.exec(word);
    if (!flag) {
      positionals.push(word);
      continue;
    }
    const name = flag[1]!;
    if (flag[2] !== undefined) {
      flags[name] = flag[2];
      continue;
    }
    const next = argv[i + 1];
    if (BOOLEAN_FLAGS.has(name)) {
      if (next === "true" || next === "false") {
        flags[name] = next;
        i++;
      } else {
        flags[name] = "true";
      }
      continue;
    }
    if (next === undefined || /^--?[A-Za-z]/.test(next)) throw new UsageError(`flag --${name} needs a value`);
    flags[name] = next;
    i++;
  }
  return { positionals, flags };
}

/**
 * Parses `--listen`: comma-separated `host:port`, IPv6 hosts in brackets (`127.0.0.1:9399,[::1]:9399`).
 * An empty host (`:9399`) listens on every interface.
 */
export function parseListen(spec: string): ListenAddress[] {
  const parts = spec
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (parts.length === 0) throw new UsageError("--listen needs at least one host:port");
  return parts.map((part) => {
    const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(part);
    if (!match) throw new UsageError(`--listen: "${part}" is not host:port (write IPv6 hosts as [::1]:9399)`);
    const port = Number(match[3]);
    if (port > 65535) throw new UsageError(`--listen: port ${port} in "${part}" is out of range`);
    return { host: match[1] ?? match[2] ?? "", port };
  });
}

/** Flags every subcommand accepts: glog's, which firebase-tools passes. */
export interface GlobalOptions {
  verbosity: number;
}

/** Reads the global flags (`-v=N`; `--logtostderr` is implied: the emulator always logs to stderr). */
export function globalOptions(flags: Record<string, string>): GlobalOptions {
  const v = flags.v ?? "0";
  if (!/^\d+$/.test(v)) throw new UsageError(`-v: "${v}" is not a verbosity level (0, 1, 2, …)`);
  return { verbosity: Number(v) };
}

/** What `dev` runs with. */
export interface DevOptions {
  listen: ListenAddress[];
  configDir: string;
  outputSchemaExtensions: boolean;
  outputGeneratedSdk: boolean;
  databaseUrl?: string;
  dataDir?: string;
  /** Milliseconds to wait for `POST /emulator/configure` before starting on embedded PGlite. */
  standaloneAfterMs: number;
  watch: boolean;
}

const GLOBAL_FLAGS = ["v", "logtostderr", "alsologtostderr", "stderrthreshold", "log_dir", "vmodule"];
const DEV_FLAGS = [
  "listen",
  "config_dir",
  "enable_output_schema_extensions",
  "enable_output_generated_sdk",
  "database_url",
  "data_dir",
  "standalone_after_ms",
  "watch",
];

/** What `sdk generate` runs with. */
export interface GenerateOptions {
  configDir: string;
  watch: boolean;
}

/** Reads `sdk generate`'s flags (firebase-tools: `--config_dir=DIR [--watch]`); unknown flags come back to warn about. */
export function generateOptions(flags: Record<string, string>): {
  options: GenerateOptions;
  unknownFlags: string[];
} {
  const configDir = flags.config_dir;
  if (!configDir)
    throw new UsageError("sdk generate needs --config_dir=DIR (the directory holding dataconnect.yaml)");
  const known = new Set([...GLOBAL_FLAGS, "config_dir", "watch"]);
  return {
    options: { configDir, watch: booleanFlag(flags, "watch", false) },
    unknownFlags: Object.keys(flags).filter((name) => !known.has(name)),
  };
}

/** What `build` runs with. `--project_id` names the deploy target; offline it changes nothing. */
export interface BuildOptions {
  configDir: string;
  projectId?: string;
}

/** Reads `build`'s flags (firebase-tools: `--config_dir=DIR [--project_id=ID]`). */
export function buildOptions(flags: Record<string, string>): {
  options: BuildOptions;
  unknownFlags: string[];
} {
  const configDir = flags.config_dir;
  if (!configDir)
    throw new UsageError("build needs --config_dir=DIR (the directory holding dataconnect.yaml)");
  const known = new Set([...GLOBAL_FLAGS, "config_dir", "project_id"]);
  return {
    options: { configDir, ...(flags.project_id ? { projectId: flags.project_id } : {}) },
    unknownFlags: Object.keys(flags).filter((name) => !known.has(name)),
  };
}

/** The default `--listen`: the port firebase-tools expects Data Connect on. */
export const DEFAULT_LISTEN = "127.0.0.1:9399";
/** How long `dev` waits for firebase-tools to configure a database before it starts its own. */
export const DEFAULT_STANDALONE_AFTER_MS = 1500;

/** Reads `dev`'s flags. Unknown flags are not fatal (newer firebase-tools may pass more); they come back to warn about. */
export function devOptions(flags: Record<string, string>): { options: DevOptions; unknownFlags: string[] } {
  const configDir = flags.config_dir;
  if (!configDir) throw new UsageError("dev needs --config_dir=DIR (the directory holding dataconnect.yaml)");
  const standalone = flags.standalone_after_ms ?? String(DEFAULT_STANDALONE_AFTER_MS);
  if (!/^\d+$/.test(standalone)) {
    throw new UsageError(`--standalone_after_ms: "${standalone}" is not a number of milliseconds`);
  }
  const options: DevOptions = {
    listen: parseListen(flags.listen ?? DEFAULT_LISTEN),
    configDir,
    outputSchemaExtensions: booleanFlag(flags, "enable_output_schema_extensions", false),
    outputGeneratedSdk: booleanFlag(flags, "enable_output_generated_sdk", false),
    standaloneAfterMs: Number(standalone),
    watch: booleanFlag(flags, "watch", true),
  };
  if (flags.database_url) {
    if (!/^postgres(ql)?:\/\//.test(flags.database_url)) {
      throw new UsageError(`--database_url: "${flags.database_url}" is not a postgres:// URL`);
    }
    options.databaseUrl = flags.database_url;
  }
  if (flags.data_dir) options.dataDir = flags.data_dir;
  if (options.databaseUrl && options.dataDir) {
    throw new UsageError("--database_url and --data_dir exclude each other: pick one database");
  }
  const known = new Set([...GLOBAL_FLAGS, ...DEV_FLAGS]);
  return { options, unknownFlags: Object.keys(flags).filter((name) => !known.has(name)) };
}

function booleanFlag(flags: Record<string, string>, name: string, fallback: boolean): boolean {
  const value = flags[name];
  if (value === undefined) return fallback;
  if (/^(true|1|t)$/i.test(value)) return true;
  if (/^(false|0|f)$/i.test(value)) return false;
  throw new UsageError(`--${name}: "${value}" is not true or false`);
}
