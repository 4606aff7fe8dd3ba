import { EmulatorCore } from "./emulator-core.ts";
import type { ExtraOrigins } from "./http/cors.ts";
import { exportData, importData } from "./persistence/snapshot.ts";
import { compileRules } from "./rules/index.ts";
import { loadAndWatchRules } from "./security/rules-file.ts";
import { currentCaller } from "./server/request-context.ts";
import { listen } from "./server/server.ts";
import { TriggerDispatcher } from "./triggers/dispatcher.ts";
import { TriggerRegistry } from "./triggers/registry.ts";
import { triggerRoutes } from "./triggers/routes.ts";

export { RulesCompileError, type RulesIssue } from "./rules/index.ts";

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
  /** Idle time after which a transaction expires (default 60 s). */
  transactionIdleMs?: number;
  /** A folder written by `exportData` (or `--export_on_exit`) to load at start; missing is fine. */
  importDir?: string;
  /** Where warnings go (default console.warn). */
  log?: (message: string) => void;
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
  /** Replaces the rules of one project, or (without a project) the default rules; throws RulesCompileError. */
  setRules(source: string, projectId?: string): void;
  /** Deletes every document of a project's (default) database (default: the configured project). */
  clear(projectId?: string): void;
  /** Writes every document to `dir/firestore-data.json`, for `importDir` on the next start. */
  exportData(dir: string): Promise<void>;
  /** Resolves once every queued trigger delivery has finished. */
  triggersIdle(): Promise<void>;
  /** Stops serving and closes every connection. */
  stop(): Promise<void>;
}

/** Starts the emulator in this process; resolves once the port accepts connections. */
export async function startFirestoreEmulator(
  options: FirestoreEmulatorOptions = {},
): Promise<RunningFirestoreEmulator> {
  const core = new EmulatorCore({
    projectId: options.projectId,
    singleProjectMode: options.singleProjectMode ?? false,
    retentionMs: options.retentionMs ?? 60 * 60 * 1000,
    lockTimeoutMs: options.lockTimeoutMs ?? 20_000,
    transactionIdleMs: options.transactionIdleMs ?? 60_000,
    log: options.log ?? ((m) => console.warn(m)),
    rules: options.rules === undefined ? undefined : compileRules(options.rules),
    reportRules: options.reportRules ?? false,
  });
  const unwatch = options.rulesFile
    ? loadAndWatchRules(core.rules, options.rulesFile, options.log ?? ((m) => console.log(m)))
    : () => {};
  if (options.importDir) await importData(core, options.importDir);
  const triggers = new TriggerRegistry();
  const dispatcher = new TriggerDispatcher(triggers, {
    functionsEmulator: options.functionsEmulator,
    log: options.log ?? ((m) => console.warn(m)),
  });
  // Commits run inside their request's context: its caller is the writer `...WithAuthContext` events name.
  core.onCommit((db, event) => {
    if (event.reason !== "clear") dispatcher.onCommit(db, event, currentCaller());
  });
  const host = options.host ?? "127.0.0.1";
  const server = await listen(core, host, options.port ?? 8080, {
    routes: [triggerRoutes(triggers)],
    ...(options.corsAllowOrigins ? { corsAllowOrigins: options.corsAllowOrigins } : {}),
  });
  const hostForClients = host.includes(":") ? `[${host}]` : host;
  return {
    host,
    port: server.port,
    address: `${hostForClients}:${server.port}`,
    projectId: options.projectId,
    rules: options.rules,
    setRules(source, projectId) {
      const rules = compileRules(source);
      if (projectId === undefined) core.rules.setDefault(rules);
      else core.rules.setForProject(projectId, rules);
    },
    clear(projectId = options.projectId) {
      if (projectId === undefined) core.clearAll();
      else core.clear({ projectId, databaseId: "(default)" });
    },
    exportData: (dir) => exportData(core, dir),
    triggersIdle: () => dispatcher.idle(),
    stop: () => {
      unwatch();
      return server.close();
    },
  };
}
