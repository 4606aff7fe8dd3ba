import { readFile } from "node:fs/promises";
import { parseCliArgs } from "./cli-args.ts";
import { startFirestoreEmulator } from "./index.ts";

/** Runs the emulator until SIGINT/SIGTERM, printing the lines the official emulator prints. */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliArgs>;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const rules = options.rules ? await readFile(options.rules, "utf8") : undefined;
  const emulator = await startFirestoreEmulator({
    host: options.host,
    port: options.port,
    ...(options.projectId ? { projectId: options.projectId } : {}),
    singleProjectMode: options.singleProjectMode,
    ...(rules !== undefined ? { rules } : {}),
    ...(options.importDir ? { importDir: options.importDir } : {}),
    ...(options.functionsEmulator ? { functionsEmulator: options.functionsEmulator } : {}),
  });
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
  if (rules !== undefined) console.log(`Rules loaded from ${options.rules} (stored; not enforced yet).`);
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
