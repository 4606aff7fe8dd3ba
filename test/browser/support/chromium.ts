import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import chromium from "@sparticuz/chromium";
import { type Browser, type LaunchOptions, chromium as playwright } from "playwright-core";

// The package exports no package.json; its main module sits in build/.
const PACKAGE_JSON = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")),
  "../package.json",
);
const VERSION: string = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")).version;

/**
 * Flags for the headless shell that `@sparticuz/chromium` ships. We run as root in containers without
 * user namespaces (so no sandbox, no zygote), with a small /dev/shm and no GPU, and nothing may call
 * out to the network. Unlike the package's own `chromium.args`, web security stays on: the tests
 * depend on real CORS.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--no-zygote",
  "--disable-setuid-sandbox",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-domain-reliability",
  "--disable-breakpad",
  "--no-pings",
  "--no-first-run",
  "--no-default-browser-check",
  "--mute-audio",
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` holding a lock directory (other processes wait); a lock older than a minute is stale. */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 60_000) await rm(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function runs(executable: string): Promise<boolean> {
  try {
    const { stdout } = await promisify(execFile)(executable, ["--version"], { timeout: 10_000 });
    return stdout.includes("Chromium");
  } catch {
    return false;
  }
}

/**
 * The Chromium executable, unpacked from `@sparticuz/chromium` into the temp folder once per machine.
 * Safe to call from parallel test processes: one unpacks while the others wait, and a half-written
 * binary from an interrupted run is replaced.
 */
export async function chromiumExecutable(): Promise<string> {
  const executable = path.join(os.tmpdir(), "chromium");
  const marker = path.join(os.tmpdir(), `chromium.ready-${VERSION}`);
  if (existsSync(marker) && existsSync(executable)) return executable;
  return withLock(path.join(os.tmpdir(), "chromium.unpack-lock"), async () => {
    if (existsSync(marker) && existsSync(executable)) return executable;
    if (existsSync(executable) && !(await runs(executable))) await rm(executable, { force: true });
    const unpacked = await chromium.executablePath();
    await writeFile(marker, `${VERSION}\n`);
    return unpacked;
  });
}

/** Launches headless Chromium (from npm, no download) for a test file; close it in `afterAll`. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return playwright.launch({
    ...options,
    executablePath: await chromiumExecutable(),
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    headless: true,
  });
}
