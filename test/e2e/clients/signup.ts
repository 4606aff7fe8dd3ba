// Exec'd by firebase-tools inside `emulators:exec --only auth,functions,dataconnect`: signs a user up
// through the official web SDK against the Auth emulator, then waits for what the functions make of
// the new account: the profile in Firestore (our engine) and the User row in Data Connect (our engine).

import { initializeApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from "firebase/auth";
import {
  connectDataConnectEmulator,
  executeQuery,
  getDataConnect,
  QueryFetchPolicy,
  queryRef,
} from "firebase/data-connect";
import { initializeApp as initializeAdmin } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";

const authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
const dataConnectHost = process.env.DATA_CONNECT_EMULATOR_HOST;
if (!authHost || !dataConnectHost)
  throw new Error("run me under `firebase emulators:exec --only auth,functions,dataconnect`");

const app = initializeApp({ apiKey: "fake-api-key", projectId: "demo-rookery" });
const auth = getAuth(app);
connectAuthEmulator(auth, `http://${authHost}`, { disableWarnings: true });
const dataConnect = getDataConnect(app, { connector: "social", service: "rookery", location: "us-central1" });
const split = dataConnectHost.lastIndexOf(":");
connectDataConnectEmulator(
  dataConnect,
  dataConnectHost.slice(0, split),
  Number(dataConnectHost.slice(split + 1)),
);

const email = process.argv[2] ?? "grace@example.test";
const { user } = await createUserWithEmailAndPassword(auth, email, "correct-horse-battery");
await user.reload();

/** Polls `read` until it returns something (the onCreate trigger runs about 2 s after sign-up). */
async function eventually<T>(read: () => Promise<T | null | undefined>): Promise<T | null> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

const firestore = getFirestore(initializeAdmin({ projectId: "demo-rookery" }, "admin"));
const profile = await eventually(async () => (await firestore.doc(`profiles/${user.uid}`).get()).data());
const me = await eventually(async () => {
  const result = await executeQuery(queryRef(dataConnect, "GetMe"), {
    fetchPolicy: QueryFetchPolicy.SERVER_ONLY,
  });
  return (result.data as { user: Record<string, unknown> | null }).user;
});

const result = {
  uid: user.uid,
  email: user.email,
  displayName: user.displayName,
  node: process.version,
  profile,
  me,
};
console.log(`E2E_RESULT ${JSON.stringify(result)}`);
process.exit(0);
