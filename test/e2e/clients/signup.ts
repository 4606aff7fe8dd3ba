// Exec'd by firebase-tools inside `emulators:exec --only auth,functions,dataconnect`: signs a user up
// through the official web SDK against the Auth emulator, then waits for what the functions make of
// the new account: the profile in Firestore (our engine) and the User row in Data Connect (our engine).

import { createUserWithEmailAndPassword } from "firebase/auth";
import { executeQuery, QueryFetchPolicy, queryRef } from "firebase/data-connect";
import { initializeApp as initializeAdmin } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { webApp } from "./webApp.ts";

const { auth, dataConnect } = webApp();

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
