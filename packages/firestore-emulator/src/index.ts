import { EmulatorCore } from "./emulator-core.ts";
import type { ExtraOrigins } from "./http/cors.ts";
import { TRANSACTION_IDLE_MS, TRANSACTION_MAX_MS } from "./limits/production.ts";
import { DurableStore, type RecoveryReport } from "./persistence/durable-store.ts";
import { exportData, importData } from "./persistence/export.ts";
import { compileRules } from "./rules/index.ts";
import { loadAndWatchRules } from "./security/rules-file.ts";
import { currentCaller } from "./server/request-context.ts";
import { type ConnectionLimits, listen } from "./server/server.ts";
import { TriggerDispatcher } from "./triggers/dispatcher.ts";
import { TriggerRegistry } from "./triggers/registry.ts";
import { triggerRoutes } from "./triggers/routes.ts";

export type { RecoveryReport } from "./persistence/durable-store.ts";
export { RulesCompileError, type RulesIssue } from "./rules/index.ts";
export { CONNECTION_LIMITS, type ConnectionLimits } from "./server/server.ts";

/** How acknowledged writes are kept when a data directory is given. */
export interface DurabilityOptions {
  /** fdatasync before acknowledging a commit (survives power loss, not only a killed process). Default true. */
  fsync?: boolean;
  /** Share one write and sync among all commits waiting for it (group commit). Default true. */
  groupCommit?: boolean;
  /** Compact the journal into a snapshot after this many bytes (default 64 MiB). */
  compactAfterBytes?: number;
}

/** Options of `startFirestoreEmulator`. */
export interface FirestoreEmulatorOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one. Default 8080. */
  port?: number;
  /** The default project id (what `clear()` clears). */
  projectId?: string;
  /** Warn about requests for other projects, as the official emulator's single project mode does. */
  singleProjectMode?: boolean;
  /** Security rules source enforced on client requests (default: none, everything allowed). */
  rules?: string;
  /** A rules file to enforce, reloaded whenever it changes (a broken edit keeps the last good rules). */
  rulesFile?: string;
  /** Log one line per rules decision: which allow granted access, or why none did. */
  reportRules?: boolean;
  /** How long document history is kept for read_time reads and listen resumption (default 1 h). */
  retentionMs?: number;
  /** How long a write or transaction waits for a document lock before ABORTED (default 20 s). */
  lockTimeoutMs?: number;
  /** Idle time after which a transaction expires (default 60 s, as in production). */
  transactionIdleMs?: number;
  /** Time after which any transaction expires (default 270 s, as in production). */
  transactionMaxMs?: number;
  /**
   * A directory that keeps every acknowledged write (journal + snapshots), recovered on the next
   * start, also after a crash. Without it data lives in memory only.
   */
  dataDir?: string;
  /** How the data directory writes (ignored without `dataDir`). */
  durability?: DurabilityOptions;
  /**
   * A folder written by `exportData` (or `--export_on_exit`) to load at start; missing is fine. With
   * `dataDir`, it only seeds an empty data directory (the directory's own data is newer).
   */
  importDir?: string;
  /** Where warnings go (default console.warn). */
  log?: (message: string) => void;
  /** Tighter or looser connection limits than CONNECTION_LIMITS (tests use short timeouts). */
  connectionLimits?: Partial<ConnectionLimits>;
  /**
   * `host:port` of the Functions emulator that document triggers are delivered to (the official
   * emulator's `--functions_emulator`). Triggers register through the `/emulator/v1/.../triggers` routes.
   */
  functionsEmulator?: string;
  /**
   * Web page origins allowed besides pages served from this machine (localhost, 127.0.0.0/8, ::1,
   * the host the emulator was reached by), or `"*"` for every origin: for a forwarded dev URL.
   */
  corsAllowOrigins?: ExtraOrigins;
}

/** A running emulator. */
export interface RunningFirestoreEmulator {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value for FIRESTORE_EMULATOR_HOST. */
  readonly address: string;
  readonly projectId: string | undefined;
  /** The rules source given at start (`rules` option), if any. */
  readonly rules: string | undefined;
  /** What was recovered from `dataDir` at start (undefined without one). */
  readonly recovery: RecoveryReport | undefined;
  /** Documents loaded from `importDir` (0 when skipped or absent). */
  readonly imported: number;
  /** Journal records written and the group commits (write + fsync) that carried them (with `dataDir`). */
  journalStats(): { records: number; groupCommits: number } | undefined;
  /** Replaces the rules of one project, or (without a project) the default rules; throws RulesCompileError. */
  setRules(source: string, projectId?: string): void;
  /** Deletes every document of a project's (default) database (default: the configured project). */
  clear(projectId?: string): Promise<void>;
  /** Writes every document to `dir/firestore-data.json`, for `importDir` on the next start. */
  exportData(dir: string): Promise<void>;
  /** Resolves once every queued trigger delivery has finished. */
  triggersIdle(): Promise<void>;
  /** Stops serving, closes every connection and the data directory. */
  stop(): Promise<void>;
}

/** Starts the emulator in this process; resolves once the port accepts connections. */
export async function startFirestoreEmulator(
  options: FirestoreEmulatorOptions = {},
): Promise<RunningFirestoreEmulator> {
  const log = options.log ?? ((m: string) => console.warn(m));
  const core = new EmulatorCore({
    projectId: options.projectId,
    singleProjectMode: options.singleProjectMode ?? false,
    retentionMs: options.retentionMs ?? 60 * 60 * 1000,
    lockTimeoutMs: options.lockTimeoutMs ?? 20_000,
    transactionIdleMs: options.transactionIdleMs ?? TRANSACTION_IDLE_MS,
    transactionMaxMs: options.transactionMaxMs ?? TRANSACTION_MAX_MS,
    log,
    rules: options.rules === undefined ? undefined : compileRules(options.rules),
    reportRules: options.reportRules ?? false,
  });
  let store: DurableStore | undefined;
  let recovery: RecoveryReport | undefined;
  if (options.dataDir) {
    const opened = await DurableStore.open(core, {
      dir: options.dataDir,
      sync: options.durability?.fsync ?? true,
      groupCommit: options.durability?.groupCommit ?? true,
      ...(options.durability?.compactAfterBytes
        ? { compactAfterBytes: options.durability.compactAfterBytes }
        : {}),
      log,
    });
    store = opened.store;
    recovery = opened.report;
    if (recovery.tornBytes > 0) {
      log(
        `firestore-emulator: dropped an incomplete last record (${recovery.tornBytes} bytes) at the end of ${recovery.tornFile}: a write cut off by a crash before it was acknowledged.`,
      );
    }
  }
  let unwatch = () => {};
  let imported = 0;
  try {
    unwatch = options.rulesFile
      ? loadAndWatchRules(core.rules, options.rulesFile, options.log ?? ((m) => console.log(m)))
      : () => {};
    if (options.importDir) {
      if (store && !core.isEmpty) {
        log(
          `firestore-emulator: ${options.dataDir} already holds data; --import=${options.importDir} skipped.`,
        );
      } else {
        imported = await importData(core, options.importDir);
        // Make the imported state durable before anyone can build on it.
        if (store && imported > 0) await store.compact();
      }
    }
    const triggers = new TriggerRegistry();
    const dispatcher = new TriggerDispatcher(triggers, { functionsEmulator: options.functionsEmulator, log });
    // Subscribers hear a commit once it is durable, inside its request's context: its caller is the
    // writer `...WithAuthContext` events name. Recovered and imported documents fire no triggers.
    core.onCommit((db, event) => {
      if (event.reason !== "clear") dispatcher.onCommit(db, event, currentCaller());
    });
    const host = options.host ?? "127.0.0.1";
    const server = await listen(core, host, options.port ?? 8080, {
      routes: [triggerRoutes(triggers)],
      ...(options.corsAllowOrigins ? { corsAllowOrigins: options.corsAllowOrigins } : {}),
      log,
      ...(options.connectionLimits ? { limits: options.connectionLimits } : {}),
    });
    const hostForClients = host.includes(":") ? `[${host}]` : host;
    return {
      host,
      port: server.port,
      address: `${hostForClients}:${server.port}`,
      projectId: options.projectId,
      rules: options.rules,
      recovery,
      imported,
      journalStats: () => store?.stats,
      setRules(source, projectId) {
        const rules = compileRules(source);
        if (projectId === undefined) core.rules.setDefault(rules);
        else core.rules.setForProject(projectId, rules);
      },
      async clear(projectId = options.projectId) {
        if (projectId === undefined) await core.clearAll();
        else await core.clear({ projectId, databaseId: "(default)" });
      },
      exportData: async (dir) => {
        await exportData(core, dir);
      },
      triggersIdle: () => dispatcher.idle(),
      stop: async () => {
        unwatch();
        await server.close();
        await store?.close();
      },
    };
  } catch (error) {
    unwatch();
    await store?.close();
    throw error;
  }
}
