// The web app the exec'd clients play: official web SDK, pointed at the emulators firebase-tools
// announces in the environment of `firebase emulators:exec`.
import { initializeApp } from "firebase/app";
import { type Auth, connectAuthEmulator, getAuth } from "firebase/auth";
import { connectDataConnectEmulator, type DataConnect, getDataConnect } from "firebase/data-connect";

/** Auth and the `social` Data Connect connector of project demo-rookery, on the emulators. */
export function webApp(): { auth: Auth; dataConnect: DataConnect } {
  const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  const dataConnectHost = process.env.DATA_CONNECT_EMULATOR_HOST;
  if (!authHost || !dataConnectHost) {
    throw new Error(
      "FIREBASE_AUTH_EMULATOR_HOST / DATA_CONNECT_EMULATOR_HOST unset: run me under `firebase emulators:exec`",
    );
  }
  const app = initializeApp({ apiKey: "fake-api-key", projectId: "demo-rookery" });
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${authHost}`, { disableWarnings: true });
  const dataConnect = getDataConnect(app, {
    connector: "social",
    service: "rookery",
    location: "us-central1",
  });
  const split = dataConnectHost.lastIndexOf(":");
  connectDataConnectEmulator(
    dataConnect,
    dataConnectHost.slice(0, split),
    Number(dataConnectHost.slice(split + 1)),
  );
  return { auth, dataConnect };
}
