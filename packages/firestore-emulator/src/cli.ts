import { parseCliArgs } from "./cli-args.ts";
import { IncidentLog } from "./incidents.ts";
import { RulesCompileError, type RunningFirestoreEmulator, startFirestoreEmulator } from "./index.ts";

/**
 * The last resort: an error that escaped every handler is a bug in one request's path, not a
 * reason to drop every client and their unsaved work. It is logged (rate-limited) and the
 * emulator keeps serving; acknowledged writes are on disk either way.
 */
function keepServingOnUnexpectedErrors(): void {
  const incidents = new IncidentLog((m) => console.error(m));
  const report = (error: unknown) =>
    incidents.report(
      "BUG: unexpected error outside any request handler (still serving)",
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
  process.on("uncaughtException", report);
  process.on("unhandledRejection", report);
}

/** Runs the emulator until SIGINT/SIGTERM, printing the lines the official emulator prints. */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliArgs>;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  let emulator: RunningFirestoreEmulator;
  try {
    emulator = await startFirestoreEmulator({
      host: options.host,
      port: options.port,
      ...(options.projectId ? { projectId: options.projectId } : {}),
      singleProjectMode: options.singleProjectMode,
      ...(options.rules ? { rulesFile: options.rules } : {}),
      reportRules: options.verbosity >= 2,
      log: (m) => console.log(m),
      ...(options.importDir ? { importDir: options.importDir } : {}),
      ...(options.dataDir
        ? {
            dataDir: options.dataDir,
            durability: {
              fsync: options.fsync,
              groupCommit: options.groupCommit,
              ...(options.compactAfterBytes ? { compactAfterBytes: options.compactAfterBytes } : {}),
            },
          }
        : {}),
      ...(options.functionsEmulator ? { functionsEmulator: options.functionsEmulator } : {}),
      ...(options.corsAllowOrigins ? { corsAllowOrigins: options.corsAllowOrigins } : {}),
    });
  } catch (error) {
    if (error instanceof RulesCompileError) {
      console.error(`firestore-emulator: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  keepServingOnUnexpectedErrors();
  if (emulator.recovery) {
    const r = emulator.recovery;
    console.log(
      `Recovered ${r.documents} documents and ${r.records} journal records from ${options.dataDir}${r.tornBytes > 0 ? ` (dropped a torn last record of ${r.tornBytes} bytes)` : ""}.`,
    );
  }
  if (options.importDir && emulator.imported > 0) {
    console.log(`Imported ${emulator.imported} documents from ${options.importDir}.`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, shutting down.`);
    const journal = emulator.journalStats();
    if (journal) {
      console.log(
        `Journal: ${journal.records} commits written in ${journal.groupCommits} group commits since start.`,
      );
    }
    // Stop serving first, so the export holds every acknowledged write and nothing after it.
    const stopped = emulator
      .stop()
      .then(() =>
        options.exportOnExit
          ? emulator
              .exportData(options.exportOnExit)
              .then(() => console.log(`Exported data to ${options.exportOnExit}.`))
          : undefined,
      );
    stopped.then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("firestore-emulator: shutdown failed:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  if (options.functionsEmulator)
    console.log(`Document triggers are delivered to the Functions emulator at ${options.functionsEmulator}.`);
  const origins = options.corsAllowOrigins;
  console.log(
    origins === "*"
      ? "Web pages from any origin may use the emulator (--cors_allow_origin=*)."
      : `Web pages served from this machine${origins?.length ? ` and from ${origins.join(", ")}` : ""} may use the emulator.`,
  );
  if (options.rules)
    console.log(`Rules loaded from ${options.rules}; enforced on client requests and reloaded on change.`);
  else console.log("No rules file given: every read and write is allowed until rules are set.");
  console.log(`API endpoint: http://${emulator.address}`);
  console.log(`If you are using a library that supports the FIRESTORE_EMULATOR_HOST environment variable, run:

   export FIRESTORE_EMULATOR_HOST=${emulator.address}
`);
  console.log("Dev App Server is now running.");
}

main().catch((error: unknown) => {
  console.error("firestore-emulator failed to start:", error);
  process.exit(1);
});
