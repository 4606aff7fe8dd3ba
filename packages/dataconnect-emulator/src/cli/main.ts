// `dataconnect-emulator`: the executable firebase-tools runs as its Data Connect emulator
// (DATACONNECT_EMULATOR_BINARY_PATH): `dev` serves, `sdk generate` writes the typed SDKs, `build` validates.
import packageJson from "../../package.json" with { type: "json" };
import type { RunningEmulator } from "../index.ts";
import { type EarlyListeners, listenEarly } from "../protocol/early.ts";
import { formatAddress } from "../protocol/http-server.ts";
import { createLogger } from "../runtime/log.ts";
import {
  type BuildOptions,
  buildOptions,
  type DevOptions,
  devOptions,
  type GenerateOptions,
  generateOptions,
  globalOptions,
  parseArgs,
  UsageError,
} from "./args.ts";
import { waitForShutdownSignal } from "./signals.ts";

const USAGE = `usage: dataconnect-emulator [--logtostderr] [-v=N] <command> [flags]

environment:
  DATACONNECT_EVENT_SINK_URLS=url[,url…]  POST a mutationExecuted CloudEvent per connector mutation there
  DATACONNECT_DB_PROTOCOL=legacy          the statement traffic before issue #10 (for benchmarks only)

commands:
  dev --config_dir=DIR [--listen=HOST:PORT[,HOST:PORT…]] [--enable_output_schema_extensions=true]
      [--enable_output_generated_sdk=true] [--database_url=postgres://…] [--data_dir=DIR]
      [--standalone_after_ms=1500] [--watch=true]
        serve the Data Connect API for the service in DIR (default listen 127.0.0.1:9399)
  sdk generate --config_dir=DIR [--watch]
        write the SDKs each connector.yaml asks for (generate.javascriptSdk, generate.adminNodeSdk);
        exit 1 if the sources do not compile; --watch regenerates on every change until interrupted
  build --config_dir=DIR [--project_id=ID]
        validate schema and connectors; print {"errors"?: […], "metadata": {…}} as JSON on stdout
        (exit 0 whenever the report is printed, compile errors included, as firebase-tools expects)
`;

// How long shutdown may take before the process exits anyway: firebase-tools waits for the exit.
const SHUTDOWN_DEADLINE_MS = 5000;

/** Runs the command line and resolves with the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let command: string;
  let flags: Record<string, string>;
  let verbosity: number;
  try {
    const parsed = parseArgs(argv);
    command = parsed.positionals.join(" ");
    flags = parsed.flags;
    verbosity = globalOptions(flags).verbosity;
  } catch (error) {
    return usageError(error);
  }
  if (command === "" || command === "help" || flags.help !== undefined || flags.h !== undefined) {
    process.stdout.write(USAGE);
    return command === "" && flags.help === undefined && flags.h === undefined ? 2 : 0;
  }
  if (command === "sdk generate") {
    let generate: { options: GenerateOptions; unknownFlags: string[] };
    try {
      generate = generateOptions(flags);
    } catch (error) {
      return usageError(error);
    }
    return runGenerate(generate.options, generate.unknownFlags, verbosity);
  }
  if (command === "build") {
    let build: { options: BuildOptions; unknownFlags: string[] };
    try {
      build = buildOptions(flags);
    } catch (error) {
      return usageError(error);
    }
    return runBuild(build.options, build.unknownFlags, verbosity);
  }
  if (command !== "dev") return usageError(new UsageError(`unknown command "${command}"`));
  let dev: { options: DevOptions; unknownFlags: string[] };
  try {
    dev = devOptions(flags);
  } catch (error) {
    return usageError(error);
  }
  return runDev(dev.options, dev.unknownFlags, verbosity);
}

async function runDev(options: DevOptions, unknownFlags: string[], verbosity: number): Promise<number> {
  const log = createLogger({ write: (line) => process.stderr.write(line), verbosity });
  for (const name of unknownFlags) log.warn(`ignoring unknown flag --${name}`);
  // A stray error (e.g. a Postgres connection dropped while idle) must not take the emulator down.
  process.on("uncaughtException", (error) =>
    log.error(`uncaught exception: ${error.stack ?? error.message}`),
  );
  process.on("unhandledRejection", (reason) => log.error(`unhandled rejection: ${String(reason)}`));

  const shutdown = waitForShutdownSignal((signal) => {
    log.warn(`received ${signal} again: exiting without waiting`);
    process.exit(0);
  });
  // Bound before the engine is even loaded: firebase-tools configures us right after spawning us.
  let listening: EarlyListeners;
  try {
    listening = await listenEarly(options.listen, packageJson.version);
  } catch (error) {
    log.error((error as Error).message);
    return 1;
  }
  for (const address of listening.listeners.addresses) {
    // The official binary's wording; only HTTP is served here (gRPC is for native mobile SDKs).
    log.info(`Listening on address (HTTP + gRPC): ${formatAddress(address)}`);
  }
  let emulator: RunningEmulator;
  try {
    // Loaded here, not at the top: `build` (which firebase-tools runs before every start) stays fast.
    const { startDataConnectEmulator, httpEventSink } = await import("../index.ts");
    emulator = await startDataConnectEmulator({
      configDir: options.configDir,
      listening,
      ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      standaloneAfterMs: options.standaloneAfterMs,
      watch: options.watch,
      outputSchemaExtensions: options.outputSchemaExtensions,
      outputGeneratedSdk: options.outputGeneratedSdk,
      logger: log,
      mutationEventSinks: eventSinksFromEnv(process.env.DATACONNECT_EVENT_SINK_URLS, httpEventSink),
      legacyDatabaseProtocol: process.env.DATACONNECT_DB_PROTOCOL === "legacy",
    });
  } catch (error) {
    log.error((error as Error).message);
    await listening.listeners.close();
    return 1;
  }
  const signal = await shutdown;
  log.info(`received ${signal}: shutting down`);
  const deadline = setTimeout(() => {
    log.warn(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS}ms: exiting anyway`);
    process.exit(0);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await emulator.stop();
  log.info("stopped");
  return 0;
}

/** `sdk generate`: writes the SDKs once (exit 0, or 1 if the sources do not compile), or watches. */
async function runGenerate(
  options: GenerateOptions,
  unknownFlags: string[],
  verbosity: number,
): Promise<number> {
  const log = createLogger({ write: (line) => process.stderr.write(line), verbosity });
  for (const name of unknownFlags) log.warn(`ignoring unknown flag --${name}`);
  const { generateSdks, watchAndGenerate } = await import("../sdkgen/run.ts");
  if (!options.watch) {
    const outcome = await generateSdks(options.configDir, log);
    if (!outcome.ok) {
      log.error(`SDK generation failed: ${outcome.errors.length} error(s) in ${options.configDir}`);
      return 1;
    }
    log.info(
      `generated ${outcome.result.sdks} SDK(s) (${outcome.result.changedFiles.length} file(s) changed)`,
    );
    return 0;
  }
  const shutdown = waitForShutdownSignal(() => process.exit(0));
  const watcher = watchAndGenerate(options.configDir, log);
  await watcher.first;
  const signal = await shutdown;
  log.info(`received ${signal}: stopping`);
  watcher.close();
  return 0;
}

/** `build`: prints the JSON report on stdout; exit 0 once printed, 1 if the report could not be made. */
async function runBuild(options: BuildOptions, unknownFlags: string[], verbosity: number): Promise<number> {
  const log = createLogger({ write: (line) => process.stderr.write(line), verbosity });
  for (const name of unknownFlags) log.warn(`ignoring unknown flag --${name}`);
  // Loaded here: the build path never touches a database, so it stays fast.
  const { buildReport } = await import("../build/report.ts");
  let report: Awaited<ReturnType<typeof buildReport>>;
  try {
    report = await buildReport(options.configDir);
  } catch (error) {
    log.error(`build failed: ${(error as Error).stack ?? error}`);
    return 1;
  }
  const errors = report.errors ?? [];
  const warnings = errors.filter((error) => error.extensions?.warningLevel).length;
  log.debug(1, `build: ${errors.length - warnings} error(s), ${warnings} warning(s)`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}

/** `DATACONNECT_EVENT_SINK_URLS=url[,url…]`: where mutation events are POSTed (none when unset). */
export function eventSinksFromEnv<T>(value: string | undefined, sink: (url: string) => T): T[] {
  return (value ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean)
    .map(sink);
}

function usageError(error: unknown): number {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`dataconnect-emulator: ${error.message}\n\n${USAGE}`);
  return 2;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  // Exit explicitly: a database driver may keep handles open after it is closed.
  process.exit(code);
}
