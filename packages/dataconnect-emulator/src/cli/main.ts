// `dataconnect-emulator`: the executable firebase-tools runs as its Data Connect emulator
// (DATACONNECT_EMULATOR_BINARY_PATH). Only `dev` exists in this version.
import type { RunningEmulator } from "../index.ts";
import { createLogger } from "../runtime/log.ts";
import { type DevOptions, devOptions, globalOptions, parseArgs, UsageError } from "./args.ts";
import { waitForShutdownSignal } from "./signals.ts";

const USAGE = `usage: dataconnect-emulator [--logtostderr] [-v=N] <command> [flags]

environment:
  DATACONNECT_EVENT_SINK_URLS=url[,url…]  POST a mutationExecuted CloudEvent per connector mutation there

commands:
  dev --config_dir=DIR [--listen=HOST:PORT[,HOST:PORT…]] [--enable_output_schema_extensions=true]
      [--enable_output_generated_sdk=true] [--database_url=postgres://…] [--data_dir=DIR]
      [--standalone_after_ms=1500] [--watch=true]
        serve the Data Connect API for the service in DIR (default listen 127.0.0.1:9399)
  sdk generate, build
        not implemented in this version
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
  if (command === "sdk generate" || command === "build") {
    process.stderr.write(
      `dataconnect-emulator: \`${command}\` is not implemented in this version (only \`dev\` is); SDK generation and build come in a later release\n`,
    );
    return 2;
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
  if (options.outputGeneratedSdk) {
    log.debug(2, "--enable_output_generated_sdk: SDK generation is not implemented yet; no SDKs are written");
  }
  // A stray error (e.g. a Postgres connection dropped while idle) must not take the emulator down.
  process.on("uncaughtException", (error) =>
    log.error(`uncaught exception: ${error.stack ?? error.message}`),
  );
  process.on("unhandledRejection", (reason) => log.error(`unhandled rejection: ${String(reason)}`));

  const shutdown = waitForShutdownSignal((signal) => {
    log.warn(`received ${signal} again: exiting without waiting`);
    process.exit(0);
  });
  let emulator: RunningEmulator;
  try {
    // Loaded here, not at the top: `build` (which firebase-tools runs before every start) stays fast.
    const { startDataConnectEmulator, httpEventSink } = await import("../index.ts");
    emulator = await startDataConnectEmulator({
      configDir: options.configDir,
      listen: options.listen,
      ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      standaloneAfterMs: options.standaloneAfterMs,
      watch: options.watch,
      outputSchemaExtensions: options.outputSchemaExtensions,
      logger: log,
      mutationEventSinks: eventSinksFromEnv(process.env.DATACONNECT_EVENT_SINK_URLS, httpEventSink),
    });
  } catch (error) {
    log.error((error as Error).message);
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
