import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type RunningFirestoreEmulator, startFirestoreEmulator } from "@rookery/firestore-emulator";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import { launchChromium } from "./chromium.ts";
import { type BrowserFirestoreOptions, openFirestorePage } from "./firestore-page.ts";
import { SDK_PAGE, type StaticSite, serveStatic } from "./static-site.ts";

/** The test site: the SDK page at `/` and the web SDK bundle at `/sdk.js`. */
export async function serveFirestoreSite(): Promise<StaticSite> {
  const sdk = await readFile(inject("firestoreSdkBundle"), "utf8");
  return serveStatic({ "/": SDK_PAGE, "/sdk.js": { body: sdk, type: "text/javascript; charset=utf-8" } });
}

/** What `useBrowserFirestore` gives each test. */
export interface BrowserFirestoreFixture {
  readonly emulator: RunningFirestoreEmulator;
  readonly browser: Browser;
  readonly site: StaticSite;
  /** A fresh browser context (own IndexedDB, own network switch) for this test. */
  readonly context: BrowserContext;
  /** Opens a page in this test's context with Firestore initialized (memory cache unless asked). */
  openPage(options?: Partial<BrowserFirestoreOptions>): Promise<Page>;
  /** Options for `initFirestore` pointing at this file's emulator. */
  firestoreOptions(options?: Partial<BrowserFirestoreOptions>): BrowserFirestoreOptions;
  /**
   * Stops the emulator (its data exported), runs `whileDown`, then starts it again on the same port
   * with the data, as a developer restarting `npm start` would.
   */
  restartEmulator(whileDown?: () => Promise<void>): Promise<void>;
}

/**
 * The per-file fixture: an in-process emulator, the SDK site and Chromium for the file; a fresh
 * browser context and cleared data for each test.
 */
export function useBrowserFirestore(projectId: string): BrowserFirestoreFixture {
  let emulator: RunningFirestoreEmulator | undefined;
  let browser: Browser | undefined;
  let site: StaticSite | undefined;
  let context: BrowserContext | undefined;
  const start = (port: number, importDir?: string) =>
    startFirestoreEmulator({
      host: "127.0.0.1",
      port,
      projectId,
      log: () => {},
      ...(importDir ? { importDir } : {}),
    });
  beforeAll(async () => {
    [emulator, browser, site] = await Promise.all([start(0), launchChromium(), serveFirestoreSite()]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator!.clear();
    context = await browser!.newContext();
  });
  afterEach(async () => {
    await context?.close();
  });
  const firestoreOptions = (options: Partial<BrowserFirestoreOptions> = {}): BrowserFirestoreOptions => ({
    projectId,
    emulator: { host: emulator!.host, port: emulator!.port },
    ...options,
  });
  return {
    get emulator() {
      return emulator!;
    },
    get browser() {
      return browser!;
    },
    get site() {
      return site!;
    },
    get context() {
      return context!;
    },
    openPage: (options) => openFirestorePage(context!, site!, firestoreOptions(options)),
    firestoreOptions,
    async restartEmulator(whileDown) {
      const dir = await mkdtemp(path.join(os.tmpdir(), "rookery-firestore-restart-"));
      try {
        const { port } = emulator!;
        await emulator!.exportData(dir);
        await emulator!.stop();
        await whileDown?.();
        emulator = await start(port, dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
