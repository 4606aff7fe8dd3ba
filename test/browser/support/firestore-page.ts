import type { BrowserContext, Page } from "playwright-core";
import type * as LiteSdk from "./firestore-lite-sdk.ts";
import type * as FirestoreSdk from "./firestore-sdk.ts";
import type { StaticSite } from "./static-site.ts";

/** A snapshot as a test reads it back from the page (plain JSON). */
export interface RecordedSnapshot {
  readonly fromCache: boolean;
  readonly hasPendingWrites: boolean;
  /** Document snapshots: whether it exists and its data. */
  readonly exists?: boolean;
  readonly data?: Record<string, unknown>;
  /** Query snapshots: the documents in order, and what changed. */
  readonly docs?: { id: string; data: Record<string, unknown> }[];
  readonly changes?: { type: string; id: string }[];
}

/** What test pages keep on `window` (set by `SDK_PAGE` and `initFirestore`). */
export interface TestPageGlobals {
  /** The web SDK bundle (`/sdk.js`), set by the test page. */
  sdk: typeof FirestoreSdk;
  /** The page's Firestore, set by `initFirestore`. */
  db: FirestoreSdk.Firestore;
  /** Snapshots recorded by `window.record`, by listener name. */
  recorded: Record<string, RecordedSnapshot[]>;
  /** Starts recording every snapshot (metadata changes included) of a document or query. */
  record(name: string, target: FirestoreSdk.DocumentReference | FirestoreSdk.Query): void;
  /** Stops a recording listener. */
  stopRecording(name: string): void;
  /** The lite SDK bundle (`/lite.js`), set by the lite test page. */
  lite: typeof LiteSdk;
  /** The lite page's Firestore (REST), set by `initLiteFirestore`. */
  liteDb: LiteSdk.Firestore;
}

// Functions passed to page.evaluate run in Chromium but compile here, without the DOM library: this
// types the one global they use. (Were the DOM library ever included, augment `Window` instead.)
declare global {
  var window: TestPageGlobals;
}

/** How the page's web SDK reaches the emulator. */
export type BrowserTransportMode = "streaming" | "long-polling" | "auto-detect";

/** What `initFirestore` sets up in a page. */
export interface BrowserFirestoreOptions {
  readonly projectId: string;
  /** The emulator as `connectFirestoreEmulator` takes it. */
  readonly emulator: { readonly host: string; readonly port: number };
  /** `persistentLocalCache()` (IndexedDB) instead of the memory cache. */
  readonly persistence?: boolean;
  /** WebChannel mode: streaming (default), forced long polling, or the SDK's auto-detection. */
  readonly transport?: BrowserTransportMode;
  /**
   * Signs the page in as this uid: the SDK sends an unsigned ID token for it (`mockUserToken`), as a
   * page signed in through the Auth emulator sends a real one. Default: signed out.
   */
  readonly user?: string;
}

/** `connectFirestoreEmulator`'s options for a page signed in as `user` (or signed out). */
function emulatorOptions(user: string | undefined) {
  return user === undefined ? {} : { mockUserToken: { sub: user, user_id: user } };
}

/** Opens a page of `site` (which serves `SDK_PAGE` at `/`) and sets up Firestore in it. */
export async function openFirestorePage(
  context: BrowserContext,
  site: StaticSite,
  options: BrowserFirestoreOptions,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.origin}/`);
  await initFirestore(page, options);
  return page;
}

/**
 * Initializes the web SDK in a loaded page, connected to the emulator, as `window.db`, and installs
 * `window.record`/`window.recorded` for listener tests. Call again after a reload.
 */
export async function initFirestore(page: Page, options: BrowserFirestoreOptions): Promise<void> {
  await page.waitForFunction(() => window.sdk !== undefined);
  await page.evaluate(
    ({ projectId, host, port, persistence, transport, connectOptions }) => {
      const sdk = window.sdk;
      const app = sdk.initializeApp({ projectId, apiKey: "test-api-key" });
      const db = sdk.initializeFirestore(app, {
        localCache: persistence ? sdk.persistentLocalCache() : sdk.memoryLocalCache(),
        experimentalForceLongPolling: transport === "long-polling",
        experimentalAutoDetectLongPolling: transport === "auto-detect",
      });
      sdk.connectFirestoreEmulator(db, host, port, connectOptions);
      window.db = db;
      window.recorded = {};
      const stops: Record<string, () => void> = {};
      const plain = (data: Record<string, unknown> | undefined) => JSON.parse(JSON.stringify(data ?? {}));
      window.record = (name, target) => {
        const list: RecordedSnapshot[] = [];
        window.recorded[name] = list;
        const options = { includeMetadataChanges: true };
        stops[name] =
          target instanceof sdk.DocumentReference
            ? sdk.onSnapshot(target, options, (snap: FirestoreSdk.DocumentSnapshot) => {
                list.push({
                  fromCache: snap.metadata.fromCache,
                  hasPendingWrites: snap.metadata.hasPendingWrites,
                  exists: snap.exists(),
                  data: plain(snap.data()),
                });
              })
            : sdk.onSnapshot(target, options, (snap: FirestoreSdk.QuerySnapshot) => {
                list.push({
                  fromCache: snap.metadata.fromCache,
                  hasPendingWrites: snap.metadata.hasPendingWrites,
                  docs: snap.docs.map((d) => ({ id: d.id, data: plain(d.data()) })),
                  changes: snap.docChanges().map((c) => ({ type: c.type, id: c.doc.id })),
                });
              });
      };
      window.stopRecording = (name) => stops[name]?.();
    },
    {
      projectId: options.projectId,
      host: options.emulator.host,
      port: options.emulator.port,
      persistence: options.persistence ?? false,
      transport: options.transport ?? "streaming",
      connectOptions: emulatorOptions(options.user),
    },
  );
}

/**
 * Opens the lite page of `site` (`LITE_PAGE` at `/lite`) with `firebase/firestore/lite` (REST, no
 * WebChannel) connected to the emulator as `window.liteDb`, signed in as `options.user` if given.
 */
export async function openLitePage(
  context: BrowserContext,
  site: StaticSite,
  options: Pick<BrowserFirestoreOptions, "projectId" | "emulator" | "user">,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.origin}/lite`);
  await page.waitForFunction(() => window.lite !== undefined);
  await page.evaluate(
    ({ projectId, host, port, connectOptions }) => {
      const lite = window.lite;
      const app = lite.initializeApp({ projectId, apiKey: "test-api-key" });
      const db = lite.getFirestore(app);
      lite.connectFirestoreEmulator(db, host, port, connectOptions);
      window.liteDb = db;
    },
    {
      projectId: options.projectId,
      host: options.emulator.host,
      port: options.emulator.port,
      connectOptions: emulatorOptions(options.user),
    },
  );
  return page;
}

/** The latest snapshot a recording listener has seen (undefined before the first). */
export function latestSnapshot(page: Page, name: string): Promise<RecordedSnapshot | undefined> {
  return page.evaluate((n) => window.recorded[n]?.at(-1), name);
}
