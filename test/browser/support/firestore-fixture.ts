import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import { launchChromium } from "./chromium.ts";
import { type FirestoreEngine, inProcessEngine } from "./engines.ts";
import { type BrowserFirestoreOptions, openFirestorePage, openLitePage } from "./firestore-page.ts";
import { LITE_PAGE, SDK_PAGE, type StaticSite, serveStatic } from "./static-site.ts";

/** The test site: the SDK page at `/` with its bundle at `/sdk.js`, the lite page at `/lite` with `/lite.js`. */
export async function serveFirestoreSite(): Promise<StaticSite> {
  const [sdk, lite] = await Promise.all([
    readFile(inject("firestoreSdkBundle"), "utf8"),
    readFile(inject("firestoreLiteSdkBundle"), "utf8"),
  ]);
  const script = "text/javascript; charset=utf-8";
  return serveStatic({
    "/": SDK_PAGE,
    "/sdk.js": { body: sdk, type: script },
    "/lite": LITE_PAGE,
    "/lite.js": { body: lite, type: script },
  });
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
  /** Opens a page in this test's context with `firebase/firestore/lite` as `window.liteDb`. */
  openLitePage(options?: { user?: string }): Promise<Page>;
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
    openLitePage: (options) => openLitePage(context!, site!, firestoreOptions(options)),
    firestoreOptions,
  };
}
