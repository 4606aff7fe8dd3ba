import { type LoadedConfig, loadConfigDir } from "../config/load.ts";
import type { Database } from "../db/database.ts";
import { openPglite } from "../db/pglite.ts";
import { openPostgres, type PostgresOptions } from "../db/postgres.ts";
import {
  type CompiledProject,
  compileProject,
  createService,
  migrate,
  type ServiceOptions,
  schemaExtensionFiles,
} from "../engine/project.ts";
import type { Service } from "../engine/types.ts";
import { type GraphqlError, RequestError } from "../errors.ts";
import { Broadcast } from "../protocol/broadcast.ts";
import type { EmulatorControl, EmulatorInfo, Issue } from "../protocol/control.ts";
import type { ConfigureRequest } from "../protocol/requests.ts";
import type { ServiceHolder } from "../protocol/service-holder.ts";
import { type CompileError, formatCompileError } from "../schema/source.ts";
import type { Logger } from "./log.ts";
import { schemaOutputDir, writeSchemaOutput } from "./schema-output.ts";
import { type ConfigWatcher, directoriesToWatch, watchDirectories } from "./watch.ts";

/** How the runtime is set up. */
export interface RuntimeOptions {
  configDir: string;
  services: ServiceHolder;
  log: Logger;
  version: string;
  /** Write `<configDir>/.dataconnect/schema/**` after every successful compile. */
  outputSchemaExtensions: boolean;
  /** Write the SDKs `connector.yaml` asks for (`generate:`) after every successful compile. */
  outputGeneratedSdk?: boolean;
  /** Reload when files under the config directory change. */
  watch: boolean;
  watchDebounceMs?: number;
  /** Passed to every service created: project/location for events and the mutation event sinks. */
  serviceOptions?: ServiceOptions;
  /** How databases the runtime opens are used: back-pressure limits, statement timeout, transaction statements. */
  databaseOptions?: Omit<PostgresOptions, "database" | "maxConnections">;
}

/** The outcome of (re)loading the config directory: `ok` once the new version is what is served. */
export interface ReloadResult {
  ok: boolean;
  errors: CompileError[];
}

/** A database the service runs on, and whether the runtime opened it (and so must close it). */
interface ActiveDatabase {
  database: Database;
  owned: boolean;
  /** What `/emulator/info` reports. */
  connectionString: string;
}

const STOP_TIMEOUT_MS = 5000;

/**
 * The running emulator's state: the last good compiled project, the database it is served on, and the
 * transitions between them (reload, configure, standalone start, stop), run one at a time. Whatever fails
 * (a bad edit, a migration, a database that cannot be reached) is reported and leaves the last good version
 * serving.
 */
export class EmulatorRuntime implements EmulatorControl {
  readonly issues = new Broadcast<Issue[]>([]);
  readonly errors = new Broadcast<GraphqlError[]>([]);
  readonly #options: RuntimeOptions;
  readonly #log: Logger;
  #config: LoadedConfig | null = null;
  /** The last project that compiled (and, if a database is there, migrated): the one served. */
  #project: CompiledProject | null = null;
  #projectKey: string | null = null;
  /** Why the latest load failed (empty once one succeeds), for UNAVAILABLE messages. */
  #lastErrors: CompileError[] = [];
  #db: ActiveDatabase | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #reloadQueued = false;
  #stopped = false;
  #standaloneTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #background = new Set<Promise<unknown>>();
  #watcher: ConfigWatcher | null = null;
  #watchedDirs = "";
  #schemaOutput = new Set<string>();

  constructor(options: RuntimeOptions) {
    this.#options = options;
    this.#log = options.log;
  }

  /** Loads and compiles the config directory (errors are reported, not thrown) and starts watching it. */
  async start(): Promise<ReloadResult> {
    const result = await this.reload();
    this.#updateWatcher();
    return result;
  }

  /** Re-reads and recompiles the config directory, migrates the database and swaps the service in. */
  reload(): Promise<ReloadResult> {
    return this.#serial(() => this.#reloadNow());
  }

  /** `POST /emulator/configure`: connects to that Postgres, migrates it and serves from it from now on. */
  async configure(request: ConfigureRequest): Promise<void> {
    const served = this.serviceId();
    if (request.serviceId && served && request.serviceId !== served) {
      throw new RequestError(
        "INVALID_ARGUMENT",
        `serviceId "${request.serviceId}" is not the service in ${this.#options.configDir} ("${served}")`,
      );
    }
    this.#cancelStandalone();
    let database: Database;
    try {
      database = await openPostgres(withDefaultUser(request.connectionString), {
        ...this.#options.databaseOptions,
        ...(request.database && { database: request.database }),
        ...(request.maxOpenConnections && { maxConnections: request.maxOpenConnections }),
      });
    } catch (error) {
      const message = `could not connect to Postgres at ${request.connectionString}: ${messageOf(error)}`;
      this.#log.error(message);
      this.issues.publish([{ kind: "SQL_CONNECTION", severity: "ALERT", message }]);
      throw new Error(message);
    }
    await this.serveDatabase(database, { owned: true, connectionString: database.description });
  }

  /**
   * Serves from `database` from now on, migrating it first; the previous database (if the runtime opened it)
   * is closed once its requests are done. With `onlyIfNone`, a database chosen meanwhile wins and this one
   * is closed instead.
   */
  serveDatabase(
    database: Database,
    options: { owned: boolean; connectionString: string; onlyIfNone?: boolean },
  ): Promise<void> {
    return this.#serial(async () => {
      if (this.#stopped || (options.onlyIfNone && this.#db)) {
        if (options.owned) await this.#close(database);
        return;
      }
      let service: Service | null = null;
      if (this.#project) {
        try {
          service = await this.#migrateAndCreate(this.#project, database);
        } catch (error) {
          if (options.owned) await this.#close(database);
          throw error;
        }
      }
      const previous = this.#db;
      this.#db = { database, owned: options.owned, connectionString: options.connectionString };
      const drained = service
        ? this.#options.services.swap(service)
        : this.#options.services.withdraw(this.#unavailableMessage(this.#lastErrors));
      const sessions =
        database.maxSessions === 1
          ? "one session: operations take turns"
          : `${database.maxSessions} sessions`;
      this.#log.info(
        `using database ${database.description} (${sessions})${service ? "" : " (waiting for a schema that compiles)"}`,
      );
      this.issues.publish([
        { kind: "SQL_CONNECTION", severity: "NOTICE", message: `connected to ${options.connectionString}` },
      ]);
      if (previous?.owned) this.#track(drained.then(() => this.#close(previous.database)));
    });
  }

  /** Starts on embedded PGlite (persisted in `dataDir`, else in memory) unless a database is chosen by then. */
  async startStandalone(dataDir?: string): Promise<void> {
    if (this.#db || this.#stopped) return;
    const where = dataDir ?? "memory";
    this.#log.info(`starting embedded PGlite (${where})`);
    const database = await openPglite(dataDir, this.#options.databaseOptions);
    await this.serveDatabase(database, {
      owned: true,
      connectionString: database.description,
      onlyIfNone: true,
    });
  }

  /** Starts standalone after `ms` unless firebase-tools configures a database first. */
  scheduleStandalone(ms: number): void {
    this.#cancelStandalone();
    this.#standaloneTimer = setTimeout(() => {
      this.#standaloneTimer = undefined;
      if (this.#db || this.#stopped) return;
      this.#log.info(`no database configured within ${ms}ms: running standalone`);
      this.#track(
        this.startStandalone().catch((error) =>
          this.#log.error(`could not start embedded PGlite: ${messageOf(error)}`),
        ),
      );
    }, ms);
    this.#standaloneTimer.unref();
  }

  /** Stops watching, withdraws the service, and closes the database if the runtime opened it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelStandalone();
    this.#watcher?.close();
    this.#watcher = null;
    const shutdown = this.#serial(async () => {
      const drained = this.#options.services.withdraw("the Data Connect emulator is shutting down");
      await withTimeout(drained, STOP_TIMEOUT_MS);
      const db = this.#db;
      this.#db = null;
      if (db?.owned) await this.#close(db.database);
    });
    await withTimeout(Promise.all([shutdown, ...this.#background]), STOP_TIMEOUT_MS);
  }

  /** `GET /emulator/info`. */
  info(): EmulatorInfo {
    const serviceId = this.serviceId();
    return {
      version: this.#options.version,
      services: serviceId ? [{ serviceId, connectionString: this.#db?.connectionString ?? "" }] : [],
    };
  }

  /** The service id of the config directory, once it has been read. */
  serviceId(): string | undefined {
    return this.#config?.sources.serviceId;
  }

  async #reloadNow(): Promise<ReloadResult> {
    this.#reloadQueued = false;
    if (this.#stopped) return { ok: false, errors: [{ message: "the emulator is stopped" }] };
    const loaded = await loadConfigDir(this.#options.configDir).catch(
      (error): Awaited<ReturnType<typeof loadConfigDir>> => ({
        ok: false,
        errors: [{ message: `could not read ${this.#options.configDir}: ${messageOf(error)}` }],
      }),
    );
    if (!loaded.ok) return this.#reject(loaded.errors);
    this.#config = loaded.config;
    this.#updateWatcher();

    const key = JSON.stringify(loaded.config.sources);
    const serving = this.#options.services.service !== null;
    if (key === this.#projectKey && (serving || !this.#db)) {
      // Sources unchanged, but `generate:` in connector.yaml may have changed.
      if (this.#project) await this.#writeGeneratedSdks(loaded.config, this.#project);
      return this.#accept("unchanged");
    }

    let compiled: ReturnType<typeof compileProject>;
    try {
      compiled = compileProject(loaded.config.sources);
    } catch (error) {
      compiled = { ok: false, errors: [{ message: `internal compiler error: ${messageOf(error)}` }] };
    }
    if (!compiled.ok) return this.#reject(compiled.errors);
    const project = compiled.project;
    await this.#writeSchemaOutput(project);
    await this.#writeGeneratedSdks(loaded.config, project);

    if (this.#db) {
      let service: Service;
      try {
        service = await this.#migrateAndCreate(project, this.#db.database);
      } catch (error) {
        return this.#reject([{ message: messageOf(error) }], "SQL_MIGRATION");
      }
      void this.#options.services.swap(service);
    }
    this.#project = project;
    this.#projectKey = key;
    if (!this.#db) this.#options.services.setUnavailableMessage(this.#unavailableMessage());
    const { sources } = loaded.config;
    this.#log.info(
      `loaded service "${sources.serviceId}": ${sources.schemaFiles.length} schema file(s), connectors [${sources.connectors.map((c) => c.id).join(", ")}]`,
    );
    return this.#accept("reloaded");
  }

  async #migrateAndCreate(project: CompiledProject, database: Database): Promise<Service> {
    try {
      await migrate(database, project);
    } catch (error) {
      const message = `failed to migrate schema on ${database.description}: ${messageOf(error)}`;
      this.#log.error(message);
      this.issues.publish([{ kind: "SQL_MIGRATION", severity: "ALERT", message }]);
      throw new Error(message, { cause: error });
    }
    return createService(project, database, this.#options.serviceOptions);
  }

  #accept(what: "reloaded" | "unchanged"): ReloadResult {
    this.#lastErrors = [];
    this.errors.publish([]);
    if (what === "reloaded") {
      this.issues.publish([
        { kind: "FILE_RELOAD", severity: "NOTICE", message: "schema and connectors reloaded" },
      ]);
    }
    return { ok: true, errors: [] };
  }

  #reject(errors: CompileError[], kind: "compile" | "SQL_MIGRATION" = "compile"): ReloadResult {
    const serving = this.#options.services.service !== null;
    this.#lastErrors = errors;
    // Migration failures were logged where they happened.
    if (kind === "compile") for (const error of errors) this.#log.error(formatCompileError(error));
    if (serving) this.#log.warn("keeping the last good version of the schema and connectors");
    this.errors.publish(errors.map((error) => toGraphqlError(error, kind)));
    if (!serving) this.#options.services.setUnavailableMessage(this.#unavailableMessage(errors));
    return { ok: false, errors };
  }

  #unavailableMessage(errors: CompileError[] = []): string {
    if (errors.length > 0) {
      const shown = errors.slice(0, 5).map(formatCompileError).join("; ");
      const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : "";
      return `the Data Connect sources in ${this.#options.configDir} have errors: ${shown}${more}`;
    }
    if (!this.#project) return "the Data Connect emulator has no schema that compiles yet";
    return "the Data Connect emulator has no database yet: waiting for POST /emulator/configure (or the standalone start)";
  }

  async #writeSchemaOutput(project: CompiledProject): Promise<void> {
    if (!this.#options.outputSchemaExtensions) return;
    const dir = schemaOutputDir(this.#options.configDir);
    try {
      this.#schemaOutput = await writeSchemaOutput(dir, schemaExtensionFiles(project), this.#schemaOutput);
      this.#log.debug(1, `wrote ${this.#schemaOutput.size} schema extension file(s) to ${dir}`);
    } catch (error) {
      this.#log.error(`could not write the schema extensions to ${dir}: ${messageOf(error)}`);
    }
  }

  async #writeGeneratedSdks(config: LoadedConfig, project: CompiledProject): Promise<void> {
    if (!this.#options.outputGeneratedSdk) return;
    try {
      // Loaded on first use: only `--enable_output_generated_sdk=true` needs the generator.
      const { writeGeneratedSdks } = await import("../sdkgen/write.ts");
      const result = await writeGeneratedSdks(config, project, this.#log);
      this.#log.debug(1, `generated ${result.sdks} SDK(s), ${result.changedFiles.length} file(s) changed`);
    } catch (error) {
      this.#log.error(`could not write the generated SDKs: ${messageOf(error)}`);
    }
  }

  #updateWatcher(): void {
    if (!this.#options.watch || this.#stopped) return;
    const dirs = directoriesToWatch(this.#options.configDir, this.#config?.sourceDirs ?? []);
    const key = dirs.join("\n");
    if (key === this.#watchedDirs && this.#watcher) return;
    this.#watcher?.close();
    this.#watchedDirs = key;
    this.#watcher = watchDirectories(dirs, () => this.#queueReload(), {
      debounceMs: this.#options.watchDebounceMs ?? 150,
      onError: (error) => this.#log.warn(`watching ${dirs.join(", ")}: ${error.message}`),
    });
    this.#log.debug(1, `watching ${dirs.join(", ")}`);
  }

  #queueReload(): void {
    if (this.#reloadQueued || this.#stopped) return;
    this.#reloadQueued = true;
    this.#log.info("change detected: reloading schema and connectors");
    this.#track(this.reload());
  }

  #cancelStandalone(): void {
    if (this.#standaloneTimer) clearTimeout(this.#standaloneTimer);
    this.#standaloneTimer = undefined;
  }

  async #close(database: Database): Promise<void> {
    try {
      await database.close();
    } catch (error) {
      this.#log.warn(`closing ${database.description}: ${messageOf(error)}`);
    }
  }

  #track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {}).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function toGraphqlError(error: CompileError, kind: "compile" | "SQL_MIGRATION"): GraphqlError {
  return {
    message: error.message,
    ...(error.line !== undefined && { locations: [{ line: error.line, column: error.column ?? 1 }] }),
    extensions: {
      code: kind === "compile" ? "INVALID_ARGUMENT" : "FAILED_PRECONDITION",
      ...(error.file !== undefined && { file: error.file }),
    },
  };
}

/**
 * firebase-tools sends `postgres://host:port/db` without a user, and its PGlite gateway still needs one in
 * the startup message; rather than the OS user (which `pg` would take, and which may be unset), use
 * `PGUSER` or `postgres`. A URL that names a user, or is not a URL, is left alone.
 */
export function withDefaultUser(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString;
  }
  if (url.username) return connectionString;
  url.username = process.env.PGUSER || "postgres";
  return url.toString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
