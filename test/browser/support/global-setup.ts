// Once per `vitest run` for the browser project: unpack Chromium and bundle the web SDK (full and
// lite), so test
// files (in parallel workers) share both instead of racing to build them.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { bundleForBrowser } from "./bundle.ts";
import { chromiumExecutable } from "./chromium.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of the bundled web SDK (firebase/app + firebase/firestore) for test pages. */
    firestoreSdkBundle: string;
    /** Path of the bundled lite SDK (firebase/app + firebase/firestore/lite) for test pages. */
    firestoreLiteSdkBundle: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [, sdk, lite] = await Promise.all([
    chromiumExecutable(),
    bundleForBrowser("test/browser/support/firestore-sdk.ts"),
    bundleForBrowser("test/browser/support/firestore-lite-sdk.ts"),
  ]);
  const dir = await mkdtemp(path.join(os.tmpdir(), "rookery-browser-"));
  const file = path.join(dir, "firestore-sdk.js");
  const liteFile = path.join(dir, "firestore-lite-sdk.js");
  await Promise.all([writeFile(file, sdk), writeFile(liteFile, lite)]);
  project.provide("firestoreSdkBundle", file);
  project.provide("firestoreLiteSdkBundle", liteFile);
  return () => rm(dir, { recursive: true, force: true });
}
