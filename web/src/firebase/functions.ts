// Cloud Functions (the callable ones, e.g. `publishDraft`), loaded on first use like Firestore so the
// first page load does not carry the SDK.
import type { Functions } from "firebase/functions";
import { app, config } from "./client.ts";
import { splitHostPort } from "./config.ts";

/** Where the functions are deployed: firebase-functions' default region (README: us-central1). */
export const FUNCTIONS_REGION = "us-central1";

let instance: Promise<Functions> | undefined;

/** The app's Functions instance, loaded once. */
export function loadFunctions(): Promise<Functions> {
  instance ??= import("firebase/functions").then((sdk) => {
    const functions = sdk.getFunctions(app, FUNCTIONS_REGION);
    if (config.emulators) {
      const { host, port } = splitHostPort(config.emulators.functions);
      sdk.connectFunctionsEmulator(functions, host, port);
    }
    return functions;
  });
  return instance;
}
