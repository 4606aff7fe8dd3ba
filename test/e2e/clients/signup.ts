// Exec'd by firebase-tools inside `emulators:exec`: signs a user up through the official web SDK
// against the Auth emulator, then waits for the profile the functions create in Firestore.

import { initializeApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from "firebase/auth";
import { initializeApp as initializeAdmin } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";

const host = process.env.FIREBASE_AUTH_EMULATOR_HOST;
if (!host) throw new Error("FIREBASE_AUTH_EMULATOR_HOST is not set: run me under `firebase emulators:exec`");

const app = initializeApp({ apiKey: "fake-api-key", projectId: "demo-rookery" });
const auth = getAuth(app);
connectAuthEmulator(auth, `http://${host}`, { disableWarnings: true });

const email = process.argv[2] ?? "grace@example.test";
const { user } = await createUserWithEmailAndPassword(auth, email, "correct-horse-battery");
await user.reload();

// The onCreate trigger runs asynchronously (about 2 s after sign-up in the emulator).
const firestore = getFirestore(initializeAdmin({ projectId: "demo-rookery" }, "admin"));
let profile: Record<string, unknown> | undefined;
for (let i = 0; i < 100 && !profile; i++) {
  profile = (await firestore.doc(`profiles/${user.uid}`).get()).data();
  if (!profile) await new Promise((r) => setTimeout(r, 200));
}

const result = {
  uid: user.uid,
  email: user.email,
  displayName: user.displayName,
  node: process.version,
  profile: profile ?? null,
};
console.log(`E2E_RESULT ${JSON.stringify(result)}`);
process.exit(0);
