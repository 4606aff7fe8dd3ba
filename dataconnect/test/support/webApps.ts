// Web apps the way the Rookery client builds them: the official web SDK, the connector SDK we generate
// (web/src/dataconnect-generated), signed in with an Auth-emulator-style token, pointed at a Data
// Connect emulator. For the suites that test through the generated SDK.
import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import {
  connectDataConnectEmulator,
  type DataConnect,
  getDataConnect,
  QueryFetchPolicy,
} from "firebase/data-connect";
import { emulatorIdToken } from "../../../packages/dataconnect-emulator/test/protocol/support/tokens.ts";
import { signInWithIdToken } from "../../../packages/dataconnect-emulator/test/protocol/support/web-auth.ts";
import type * as Social from "../../../web/src/dataconnect-generated/index.d.ts";

/** The generated connector SDK (ESM build). */
export const sdk = (await import(
  "../../../web/src/dataconnect-generated/esm/index.esm.js" as string
)) as typeof Social;

/** Query options that always ask the server (no client cache between steps of a test). */
export const fresh = { fetchPolicy: QueryFetchPolicy.SERVER_ONLY };

/** Creates web apps on one emulator address and deletes them all on `dispose`. */
export function webApps(address: () => { host: string; port: number }) {
  const apps: FirebaseApp[] = [];
  return {
    /** A web app's Data Connect instance, signed in as `uid` (signed out with null). */
    as(uid: string | null): DataConnect {
      const app = initializeApp(
        { projectId: "demo-rookery", apiKey: "fake-api-key" },
        `social-web-${apps.length}-${crypto.randomUUID()}`,
      );
      apps.push(app);
      if (uid) signInWithIdToken(app, uid, emulatorIdToken(uid, {}, "demo-rookery"));
      const dc = getDataConnect(app, sdk.connectorConfig);
      const { host, port } = address();
      connectDataConnectEmulator(dc, host, port);
      return dc;
    },
    /** Deletes every app made so far. */
    dispose: () => Promise.all(apps.splice(0).map((app) => deleteApp(app))),
  };
}
