// Runs Google's own Firestore integration suites (firebase-js-sdk packages/firestore, emulator mode)
// against our Firestore engine and prints the pass counts and every failure.
//
//   node scripts/peer/firestore-js-sdk.ts <sdk-dir> node|lite [out.json]
//
// <sdk-dir> is a scratch extract of firebase-js-sdk (`config`, `packages/firestore`,
// `packages/firebase/package.json` at the tag to test) with its test dependencies installed, as
// /work/shared/specs/peer-suites.md describes. Nothing of the suites lives in this repository: this
// script only starts our engine on a free port and runs their mocha command with the emulator settings.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startFirestoreEmulator } from "../../packages/firestore-emulator/src/index.ts";

const [sdkDir, suite = "node", out = path.join(process.cwd(), `firestore-${suite}-results.json`)] =
  process.argv.slice(2);
if (!sdkDir || (suite !== "node" && suite !== "lite")) {
  console.error("usage: node scripts/peer/firestore-js-sdk.ts <sdk-dir> node|lite [out.json]");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PROJECT = "test-emulator";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const emulator = await startFirestoreEmulator({ host: "127.0.0.1", port, projectId: PROJECT, log: () => {} });
const SUITES = {
  node: ["--require", "./test/register.ts", "test/integration/{api,api_internal,remote}/**/*.test.ts"],
  lite: ["--require", "./lite/index.ts", "test/lite/integration.test.ts"],
};
const args = [
  "mocha",
  "--require",
  "./babel-register.js",
  ...SUITES[suite].slice(0, 2),
  "--config",
  "../../config/mocharc.node.js",
  "--retries",
  "0",
  "--reporter",
  "json",
  "--reporter-option",
  `output=${path.resolve(out)}`,
  SUITES[suite][2]!,
];
const code = await new Promise<number | null>((resolve) => {
  const child = spawn("npx", args, {
    cwd: path.join(path.resolve(sdkDir), "packages/firestore"),
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PATH: [path.join(root, "node_modules/node/bin"), process.env.PATH].join(path.delimiter),
      // Node 22 would strip the types itself and bypass the suites' babel register hook.
      NODE_OPTIONS: "--no-experimental-strip-types",
      TEST_PLATFORM: suite === "node" ? "node" : "node_lite",
      FIRESTORE_TARGET_BACKEND: "emulator",
      FIRESTORE_EMULATOR_PORT: String(port),
      FIRESTORE_EMULATOR_PROJECT_ID: PROJECT,
      NO_TS_NODE: "true",
      __FIREBASE_DEFAULTS__: JSON.stringify({ emulatorHosts: { firestore: `127.0.0.1:${port}` } }),
    },
  });
  child.on("close", resolve);
});
await emulator.stop();
const report = JSON.parse(await readFile(out, "utf8")) as {
  stats: { tests: number; passes: number; pending: number; failures: number };
  failures: { fullTitle: string; err: { message?: string } }[];
};
const { tests, passes, pending, failures } = report.stats;
console.log(
  `${suite}: ${passes} of ${tests - pending} runnable cases passed (${pending} pending, ${failures} failed)`,
);
for (const f of report.failures) console.log(`FAIL ${f.fullTitle}: ${(f.err.message ?? "").split("\n")[0]}`);
process.exit(code === 0 ? 0 : 1);
