// Exec'd by firebase-tools inside `emulators:exec`: signs a user up through the official web SDK
// against the Auth emulator and reports what the account looks like afterwards.
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from "firebase/auth";

const host = process.env.FIREBASE_AUTH_EMULATOR_HOST;
if (!host) throw new Error("FIREBASE_AUTH_EMULATOR_HOST is not set: run me under `firebase emulators:exec`");

const app = initializeApp({ apiKey: "fake-api-key", projectId: "demo-rookery" });
const auth = getAuth(app);
connectAuthEmulator(auth, `http://${host}`, { disableWarnings: true });

const email = process.argv[2] ?? "grace@example.test";
const { user } = await createUserWithEmailAndPassword(auth, email, "correct-horse-battery");
await user.reload();
console.log(
  `E2E_RESULT ${JSON.stringify({ uid: user.uid, email: user.email, displayName: user.displayName, node: process.version })}`,
);
process.exit(0);
