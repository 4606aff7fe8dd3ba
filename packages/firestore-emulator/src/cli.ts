import { parseCliArgs } from "./cli-args.ts";
import { RulesCompileError, type RunningFirestoreEmulator, startFirestoreEmulator } from "./index.ts";

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
  if (options.importDir) console.log(`Imported data from ${options.importDir}.`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, shutting down.`);
    const exported = options.exportOnExit
      ? emulator
          .exportData(options.exportOnExit)
          .then(() => console.log(`Exported data to ${options.exportOnExit}.`))
      : Promise.resolve();
    exported
      .then(() => emulator.stop())
      .then(
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
