// The Firebase app, Auth and Data Connect instances, connected to the emulators when configured so.
// Firestore is not here: it loads on demand with the features that use it (src/drafts).

import { connectorConfig, dataConnectSettings } from "@rookery/dataconnect";
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth } from "firebase/auth";
import { connectDataConnectEmulator, getDataConnect } from "firebase/data-connect";
import { appConfigFromEnv, splitHostPort } from "./config.ts";

export const config = appConfigFromEnv(import.meta.env);

export const app = initializeApp(config.options);

export const auth = getAuth(app);

// With the generated settings (a client cache): Data Connect then pushes live results to `subscribe`.
export const dataConnect = getDataConnect(app, connectorConfig, dataConnectSettings);

if (config.emulators) {
  connectAuthEmulator(auth, `http://${config.emulators.auth}`, { disableWarnings: true });
  const { host, port } = splitHostPort(config.emulators.dataConnect);
  connectDataConnectEmulator(dataConnect, host, port);
}
