// Firestore, loaded on first use by the features that need it (drafts, the profile document), so the
// first page load does not carry it. Persistent local cache: writes land on the device first and sync
// when Firestore is reachable.
import type { Firestore } from "firebase/firestore";
import { app, config } from "./client.ts";
import { splitHostPort } from "./config.ts";

let instance: Promise<{ db: Firestore; sdk: typeof import("firebase/firestore") }> | undefined;

/** The app's Firestore and the SDK's functions, loaded once. */
export function loadFirestore() {
  instance ??= import("firebase/firestore").then((sdk) => {
    const db = sdk.initializeFirestore(app, {
      localCache: sdk.persistentLocalCache({ tabManager: sdk.persistentMultipleTabManager() }),
    });
    if (config.emulators) {
      const { host, port } = splitHostPort(config.emulators.firestore);
      sdk.connectFirestoreEmulator(db, host, port);
    }
    return { db, sdk };
  });
  return instance;
}
