import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import { launchChromium } from "./chromium.ts";
import { type FirestoreEngine, inProcessEngine } from "./engines.ts";
import { type BrowserFirestoreOptions, openFirestorePage } from "./firestore-page.ts";
import { SDK_PAGE, type StaticSite, serveStatic } from "./static-site.ts";

/** The test site: the SDK page at `/` and the web SDK bundle at `/sdk.js`. */
export async function serveFirestoreSite(): Promise<StaticSite> {
  const sdk = await readFile(inject("firestoreSdkBundle"), "utf8");
  return serveStatic({ "/": SDK_PAGE, "/sdk.js": { body: sdk, type: "text/javascript; charset=utf-8" } });
}

/** What `useBrowserFirestore` gives each test. */
export interface BrowserFirestoreFixture {
  readonly engine: FirestoreEngine;
  readonly browser: Browser;
  readonly site: StaticSite;
  /** A fresh browser context (own IndexedDB, own network switch) for this test. */
  readonly context: BrowserContext;
  /** Opens a page in this test's context with Firestore initialized (memory cache unless asked). */
  openPage(options?: Partial<BrowserFirestoreOptions>): Promise<Page>;
  /** Options for `initFirestore` pointing at this file's engine. */
  firestoreOptions(options?: Partial<BrowserFirestoreOptions>): BrowserFirestoreOptions;
}

/**
 * The per-file fixture: a Firestore engine (in this process unless `startEngine` says otherwise),
 * the SDK site and Chromium for the file; a fresh browser context and cleared data for each test.
 */
export function useBrowserFirestore(
  projectId: string,
  startEngine: (projectId: string) => Promise<FirestoreEngine> = inProcessEngine,
): BrowserFirestoreFixture {
  let engine: FirestoreEngine | undefined;
  let browser: Browser | undefined;
  let site: StaticSite | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    [engine, browser, site] = await Promise.all([
      startEngine(projectId),
      launchChromium(),
      serveFirestoreSite(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await engine?.stop();
  });
  beforeEach(async () => {
    await engine!.clear();
    context = await browser!.newContext();
  });
  afterEach(async () => {
    await context?.close();
  });
  const firestoreOptions = (options: Partial<BrowserFirestoreOptions> = {}): BrowserFirestoreOptions => ({
    projectId,
    emulator: { host: engine!.host, port: engine!.port },
    ...options,
  });
  return {
    get engine() {
      return engine!;
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
  };
}
