import { EmulatorCore } from "./emulator-core.ts";
import { TRANSACTION_IDLE_MS, TRANSACTION_MAX_MS } from "./limits/production.ts";
import { DurableStore, type RecoveryReport } from "./persistence/durable-store.ts";
import { exportData, importData } from "./persistence/export.ts";
import { type ConnectionLimits, listen } from "./server/server.ts";

export type { RecoveryReport } from "./persistence/durable-store.ts";
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
  /** Contents of a rules file; stored until rules evaluation lands, not enforced. */
  rules?: string;
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
}

/** A running emulator. */
export interface RunningFirestoreEmulator {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value for FIRESTORE_EMULATOR_HOST. */
  readonly address: string;
  readonly projectId: string | undefined;
  /** The stored (not yet enforced) rules source, if any. */
  readonly rules: string | undefined;
  /** What was recovered from `dataDir` at start (undefined without one). */
  readonly recovery: RecoveryReport | undefined;
  /** Documents loaded from `importDir` (0 when skipped or absent). */
  readonly imported: number;
  /** Journal records written and the group commits (write + fsync) that carried them (with `dataDir`). */
  journalStats(): { records: number; groupCommits: number } | undefined;
  /** Deletes every document of a project's (default) database (default: the configured project). */
  clear(projectId?: string): Promise<void>;
  /** Writes every document to `dir/firestore-data.json`, for `importDir` on the next start. */
  exportData(dir: string): Promise<void>;
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
  let imported = 0;
  try {
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
    const host = options.host ?? "127.0.0.1";
    const server = await listen(core, host, options.port ?? 8080, log, options.connectionLimits);
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
      async clear(projectId = options.projectId) {
        if (projectId === undefined) await core.clearAll();
        else await core.clear({ projectId, databaseId: "(default)" });
      },
      exportData: async (dir) => {
        await exportData(core, dir);
      },
      stop: async () => {
        await server.close();
        await store?.close();
      },
    };
  } catch (error) {
    await store?.close();
    throw error;
  }
}
