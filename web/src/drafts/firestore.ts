// Firestore, loaded on first use by the features that need it (drafts today; settings, profiles and
// notifications with Social II), so the first page load does not carry it. Persistent local cache:
// drafts are written to the device first and sync when Firestore is reachable.
import type { Firestore } from "firebase/firestore";
import { app, config } from "../firebase/client.ts";
import { splitHostPort } from "../firebase/config.ts";

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
