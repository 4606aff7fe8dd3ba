import { z } from "zod";
import { type ExtraOrigins, parseExtraOrigins } from "./http/cors.ts";

/** Parsed command line of the emulator, named after the official emulator's flags. */
export interface CliOptions {
  host: string;
  port: number;
  projectId: string | undefined;
  singleProjectMode: boolean;
  rules: string | undefined;
  importDir: string | undefined;
  exportOnExit: string | undefined;
  /** Our addition: keep every acknowledged write here (journal + snapshots) across restarts and crashes. */
  dataDir: string | undefined;
  /** fdatasync before acknowledging (default true). */
  fsync: boolean;
  /** Group commit (default true); off only to measure what it saves. */
  groupCommit: boolean;
  /** Compact the journal into a snapshot once it holds this many bytes (default 64 MiB). */
  compactAfterBytes: number | undefined;
  /** Log verbosity; 2 adds a rules evaluation report per request. */
  verbosity: number;
  functionsEmulator: string | undefined;
  /** Web page origins allowed besides this machine's pages (`--cors_allow_origin`), or `*`. */
  corsAllowOrigins: ExtraOrigins | undefined;
}

const schema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  project_id: z.string().min(1).optional(),
  single_project_mode: z.enum(["true", "false"]).default("false"),
  rules: z.string().min(1).optional(),
  import: z.string().min(1).optional(),
  export_on_exit: z.string().min(1).optional(),
  data_dir: z.string().min(1).optional(),
  fsync: z.enum(["true", "false"]).default("true"),
  group_commit: z.enum(["true", "false"]).default("true"),
  compact_after_bytes: z.coerce.number().int().min(1).optional(),
  v: z.coerce.number().int().min(0).max(9).default(0),
  functions_emulator: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^:/\s]+):\d{1,5}$/, "expected host:port")
    .optional(),
  cors_allow_origin: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseExtraOrigins(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
});

const KNOWN = new Set([
  "host",
  "port",
  "project_id",
  "single_project_mode",
  "rules",
  "import",
  "export_on_exit",
  "data_dir",
  "fsync",
  "group_commit",
  "compact_after_bytes",
  "v",
  "functions_emulator",
  "cors_allow_origin",
]);

/** Parses `--name=value` (or `--name value`) flags; throws with a usage message on anything else. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--?([a-z_]+)(?:=(.*))?$/.exec(arg);
    if (!match || !KNOWN.has(match[1]!)) throw new Error(`Unknown argument "${arg}".\n${USAGE}`);
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) {
        if (match[1] === "single_project_mode") value = "true";
        else throw new Error(`Missing value for --${match[1]}.\n${USAGE}`);
      } else i++;
    }
    raw[match[1]!] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n${USAGE}`,
    );
  const o = parsed.data;
  return {
    host: o.host,
    port: o.port,
    projectId: o.project_id,
    singleProjectMode: o.single_project_mode === "true",
    rules: o.rules,
    importDir: o.import,
    exportOnExit: o.export_on_exit,
    dataDir: o.data_dir,
    fsync: o.fsync === "true",
    groupCommit: o.group_commit === "true",
    compactAfterBytes: o.compact_after_bytes,
    verbosity: o.v,
    functionsEmulator: o.functions_emulator,
    corsAllowOrigins: o.cors_allow_origin,
  };
}

/** One-paragraph usage text. */
export const USAGE =
  "Usage: firestore-emulator --host=HOST --port=PORT [--project_id=ID] [--single_project_mode=true] [--rules=FILE] [--import=DIR] [--export_on_exit=DIR] [--data_dir=DIR [--fsync=false] [--group_commit=false] [--compact_after_bytes=N]] [--functions_emulator=HOST:PORT] [--cors_allow_origin=ORIGIN[,ORIGIN...]|*] [-v=2]";
