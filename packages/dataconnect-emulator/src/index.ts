// Library API: run the Data Connect emulator in-process (tests, scripts). The CLI (`src/cli/main.ts`) is a
// thin layer over `startDataConnectEmulator`.

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import packageJson from "../package.json" with { type: "json" };
import type { Database } from "./db/database.ts";
import type { GateLimits } from "./db/gate.ts";
import { EventDelivery } from "./engine/event-delivery.ts";
import type { MutationEventSink } from "./engine/events.ts";
import type { VariableLimits } from "./limits/variables.ts";
import { BodyBudget } from "./protocol/body.ts";
import { streamAllowed } from "./protocol/cors.ts";
import type { EarlyListeners } from "./protocol/early.ts";
import { createRequestHandler } from "./protocol/handler.ts";
import {
  type BoundAddress,
  formatAddress,
  type HttpListeners,
  type ListenAddress,
  listenAll,
} from "./protocol/http-server.ts";
import type { ConfigureRequest } from "./protocol/requests.ts";
import { ServiceHolder } from "./protocol/service-holder.ts";
import { RefreshHub } from "./realtime/hub.ts";
import { EmulatorRuntime, type ReloadResult } from "./runtime/emulator.ts";
import { createLogger, type Logger, silentLogger } from "./runtime/log.ts";
import { createStreamServer } from "./stream/server.ts";

export { type BuildError, type BuildResult, buildReport } from "./build/report.ts";
export { type LoadedConfig, type LoadResult, loadConfigDir } from "./config/load.ts";
export type { Database, Queryable } from "./db/database.ts";
export { openPglite } from "./db/pglite.ts";
export { openPostgres, type PostgresOptions } from "./db/postgres.ts";
export { httpEventSink, type MutationEventSink, type MutationExecutedEvent } from "./engine/events.ts";
export type { AuthContext, Caller, GraphqlResponse, Service } from "./engine/types.ts";
export {
  type GraphqlError,
  GrpcCode,
  type GrpcStatus,
  RequestError,
  UNAUTHORIZED_MESSAGE,
} from "./errors.ts";
export type { EmulatorInfo, Issue } from "./protocol/control.ts";
export { type EarlyListeners, listenEarly } from "./protocol/early.ts";
export type { BoundAddress, ListenAddress } from "./protocol/http-server.ts";
export type { ConfigureRequest } from "./protocol/requests.ts";
export type { ReloadResult } from "./runtime/emulator.ts";
export type { Logger } from "./runtime/log.ts";
export type { CompileError, ProjectSources, SourceFile } from "./schema/source.ts";
export { type GeneratedSdk, type GenerationPlan, planSdks } from "./sdkgen/generate.ts";
export { type GenerateOutcome, generateSdks, watchAndGenerate } from "./sdkgen/run.ts";

/** The emulator's version, as `/emulator/info` reports it. */
export const VERSION: string = packageJson.version;

/** How to start the emulator. Database choice, first match wins: `database`, `databaseUrl`, `dataDir`, standalone. */
export interface StartOptions {
  /** The directory holding `dataconnect.yaml`. */
  configDir: string;
  /** Addresses to serve on; port 0 picks a free port. Default: `127.0.0.1` on a free port. */
  listen?: ListenAddress[];
  /** Addresses the caller bound already (`listenEarly`, as the CLI does); `listen` is then ignored. */
  listening?: EarlyListeners;
  /** A database the caller opened (and closes): migrated and served, never closed by the emulator. */
  database?: Database;
  /** A Postgres server to serve from (`postgres://…`), as `--database_url`. */
  databaseUrl?: string;
  /** Serve from embedded PGlite persisted in this directory, as `--data_dir`. */
  dataDir?: string;
  /**
   * Without any of the above: how long to wait for `POST /emulator/configure` before starting on in-memory
   * PGlite (default 1500). 0 starts it at once, before `startDataConnectEmulator` resolves; `Infinity` never.
   */
  standaloneAfterMs?: number;
  /** Reload on file changes under `configDir` (default false; the CLI turns it on). */
  watch?: boolean;
  watchDebounceMs?: number;
  /** Write `<configDir>/.dataconnect/schema/**` after every successful compile (default false). */
  outputSchemaExtensions?: boolean;
  /** Write the SDKs each `connector.yaml` asks for (`generate:`) after every successful compile (default false). */
  outputGeneratedSdk?: boolean;
  /** Where log lines go (default: nowhere); or pass a whole `logger`. */
  log?: (line: string) => void;
  /** `-v=N`: how much `log` gets (default 0). */
  verbosity?: number;
  logger?: Logger;
  /** Largest accepted request body in bytes (default 10 MiB). */
  maxBodyBytes?: number;
  /** Receivers of a `mutationExecuted` CloudEvent per executed connector mutation (see `httpEventSink`). */
  mutationEventSinks?: MutationEventSink[];
  /** Back-pressure in front of the database: operations waiting for a session (default 1000) and for how long (20 s). */
  sessionLimits?: Partial<Omit<GateLimits, "slots">>;
  /** `statement_timeout` on Postgres servers, in ms (default 15 s). PGlite cannot time statements out. */
  statementTimeoutMs?: number;
  /** Bounds on every operation's variables (default 1 MiB, 32 levels). */
  variableLimits?: VariableLimits;
  /**
   * The engine's statement traffic before issue #10 (BEGIN and its settings in separate round trips,
   * parameters always bound), for `bench/`'s before/after comparison only.
   */
  legacyDatabaseProtocol?: boolean;
  /** Project named in mutation events (default: GCLOUD_PROJECT, else `demo-project`). */
  projectId?: string;
  /** Keepalive ping period of realtime streams; a client silent for two periods is dropped (default 30 s). */
  streamPingIntervalMs?: number;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL of the first address, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  readonly addresses: BoundAddress[];
  /** Realtime: open streams, open subscriptions and query runs done for them so far. */
  realtimeStats(): { streams: number; subscriptions: number; runs: number };
  /** Re-reads the config directory now; resolves when the new version serves (or was rejected). */
  reload(): Promise<ReloadResult>;
  /** Switches to a Postgres server, as `POST /emulator/configure` does. */
  configure(request: ConfigureRequest): Promise<void>;
  /** Closes the listeners (and open streams), then the database if the emulator opened it. */
  stop(): Promise<void>;
}

/** Starts the Data Connect emulator in this process. Rejects if an address cannot be bound or a chosen database fails. */
export async function startDataConnectEmulator(options: StartOptions): Promise<RunningEmulator> {
  const log =
    options.logger ??
    (options.log ? createLogger({ write: options.log, verbosity: options.verbosity ?? 0 }) : silentLogger);
  const services = new ServiceHolder();
  const events = new EventDelivery(options.mutationEventSinks ?? [], { log: (message) => log.warn(message) });
  const hub = new RefreshHub({ services, log });
  const runtime = new EmulatorRuntime({
    configDir: options.configDir,
    services,
    log,
    version: VERSION,
    outputSchemaExtensions: options.outputSchemaExtensions ?? false,
    outputGeneratedSdk: options.outputGeneratedSdk ?? false,
    watch: options.watch ?? false,
    ...(options.watchDebounceMs !== undefined && { watchDebounceMs: options.watchDebounceMs }),
    serviceOptions: {
      projectId: options.projectId ?? process.env.GCLOUD_PROJECT ?? "demo-project",
      mutationEvents: events,
      onMutationCommitted: (mutation) => hub.mutationCommitted(mutation),
      ...(options.variableLimits && { variableLimits: options.variableLimits }),
      log: (message) => log.warn(message),
    },
    databaseOptions: {
      ...(options.sessionLimits && { limits: options.sessionLimits }),
      ...(options.statementTimeoutMs !== undefined && { statementTimeoutMs: options.statementTimeoutMs }),
      ...(options.legacyDatabaseProtocol && {
        transactionStatements: "separate" as const,
        parameters: "bound" as const,
      }),
    },
  });

  // Listen first: firebase-tools configures the emulator right after spawning it and gives up after a
  // few seconds; requests that need the sources compiled wait for that (or get UNAVAILABLE meanwhile).
  // Request bodies and stream messages in flight share one memory budget.
  const budget = new BodyBudget();
  const handler = createRequestHandler({
    services,
    control: runtime,
    log,
    budget,
    ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
  });
  // The realtime stream: WebSocket upgrades on the same addresses, the connector endpoints' browser
  // policy, the same message size and variable bounds as request bodies.
  const streams = createStreamServer({
    services,
    hub,
    log,
    allowBrowser: streamAllowed,
    budget,
    ...(options.maxBodyBytes !== undefined && { maxMessageBytes: options.maxBodyBytes }),
    ...(options.variableLimits && { variableLimits: options.variableLimits }),
    ...(options.streamPingIntervalMs !== undefined && { pingIntervalMs: options.streamPingIntervalMs }),
  });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    streams.handleUpgrade(req, socket, head);
  let listeners: HttpListeners;
  if (options.listening) {
    options.listening.serve(handler, upgrade);
    listeners = options.listening.listeners;
  } else {
    try {
      listeners = await listenAll(handler, options.listen ?? [{ host: "127.0.0.1", port: 0 }], upgrade);
    } catch (error) {
      await streams.close();
      hub.close();
      throw error;
    }
    for (const address of listeners.addresses) {
      // The official binary's wording; only HTTP is served here (gRPC is for native mobile SDKs).
      log.info(`Listening on address (HTTP + gRPC): ${formatAddress(address)}`);
    }
  }

  const stop = async () => {
    await streams.close();
    hub.close();
    await listeners.close();
    await runtime.stop();
    await events.close(2000);
  };
  try {
    await runtime.start();
    const standaloneAfterMs = options.standaloneAfterMs ?? 1500;
    if (options.database) {
      await runtime.serveDatabase(options.database, {
        owned: false,
        connectionString: options.database.description,
      });
    } else if (options.databaseUrl) {
      await runtime.configure({ connectionString: options.databaseUrl });
    } else if (options.dataDir !== undefined || standaloneAfterMs <= 0) {
      await runtime.startStandalone(options.dataDir);
    } else if (Number.isFinite(standaloneAfterMs)) {
      runtime.scheduleStandalone(standaloneAfterMs);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: listeners.addresses[0]!.url,
    addresses: listeners.addresses,
    realtimeStats: () => ({ streams: streams.connections, subscriptions: hub.size, runs: hub.runs }),
    reload: () => runtime.reload(),
    configure: (request) => runtime.configure(request),
    stop,
  };
}
