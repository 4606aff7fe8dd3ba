// Exec'd by firebase-tools inside `emulators:exec --only auth,functions,dataconnect`: the account
// functions as a person meets them, through the official web SDK. Bob and Ada sign up; Ada follows and
// likes Bob, posts, keeps a draft; she exports her data (callable exportMyData), then deletes her account
// (callable deleteMyAccount). Then an administrator deletes Bob's Auth account, and the Auth deletion
// trigger removes his data. Prints what each step left behind.
import { createUserWithEmailAndPassword, signInWithEmailAndPassword, signOut } from "firebase/auth";
import {
  executeMutation,
  executeQuery,
  mutationRef,
  QueryFetchPolicy,
  queryRef,
} from "firebase/data-connect";
import { connectFunctionsEmulator, getFunctions, httpsCallable } from "firebase/functions";
import { initializeApp as initializeAdmin } from "firebase-admin/app";
import { getAuth as getAdminAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { webApp } from "./webApp.ts";

const PASSWORD = "correct-horse-battery";
const { auth, dataConnect } = webApp();
const adminApp = initializeAdmin({ projectId: "demo-rookery" }, "admin");
const firestore = getFirestore(adminApp);

// firebase-tools does not announce the Functions emulator in the environment; its hub knows where it is.
const hub = (await (await fetch(`http://${process.env.FIREBASE_EMULATOR_HUB}/emulators`)).json()) as {
  functions: { host: string; port: number };
};
const functions = getFunctions(auth.app, "us-central1");
connectFunctionsEmulator(functions, hub.functions.host, hub.functions.port);

/** Polls `read` until it returns something truthy (triggers run a moment after what caused them). */
async function eventually<T>(read: () => Promise<T | null | undefined | false>): Promise<T | null> {
  for (let i = 0; i < 150; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

const query = async <T>(name: string, variables?: Record<string, unknown>) =>
  (
    await executeQuery(queryRef<T, unknown>(dataConnect, name, variables), {
      fetchPolicy: QueryFetchPolicy.SERVER_ONLY,
    })
  ).data;
const mutate = async <T>(name: string, variables?: Record<string, unknown>) =>
  (await executeMutation(mutationRef<T, unknown>(dataConnect, name, variables))).data;
type Me = { user: { uid: string; followerCount: number; followingCount: number } | null };
/** Signs up and waits for the Auth trigger to mirror the account into the graph. */
const signUp = async (email: string) => {
  const { user } = await createUserWithEmailAndPassword(auth, email, PASSWORD);
  await eventually(async () => (await query<Me>("GetMe")).user);
  return user.uid;
};

const bob = await signUp("bob@example.test");
const bobPost = (await mutate<{ post_insert: { id: string } }>("CreatePost", { content: "bob here" }))
  .post_insert.id;
await signOut(auth);
const ada = await signUp("ada@example.test");
await mutate("Follow", { uid: bob });
await mutate("LikePost", { post: bobPost });
await mutate("CreatePost", { content: "ada here" });
await firestore.doc(`users/${ada}/drafts/d1`).set({ content: "unfinished" });

const archive = (await httpsCallable(functions, "exportMyData")()).data as Record<string, unknown[]> & {
  uid: string;
};
const refusedDelete = await httpsCallable(
  functions,
  "deleteMyAccount",
)({}).then(
  () => "deleted",
  (error: { code?: string }) => error.code,
);
const deleted = (await httpsCallable(functions, "deleteMyAccount")({ confirm: true })).data as {
  deleted: boolean;
  report: { accountDeleted: boolean };
};
const adaAuthGone = await getAdminAuth(adminApp)
  .getUser(ada)
  .then(
    () => false,
    (error: { code?: string }) => error.code === "auth/user-not-found",
  );
const adaDocumentsGone =
  !(await firestore.doc(`profiles/${ada}`).get()).exists &&
  (await firestore.collection(`users/${ada}/drafts`).get()).empty;

await signInWithEmailAndPassword(auth, "bob@example.test", PASSWORD);
const bobAfterAda = (await query<Me>("GetMe")).user;
const adaProfileForBob = (await query<{ user: unknown }>("GetProfile", { uid: ada })).user;
await signOut(auth);

// An administrator deletes Bob's Auth account: the deletion trigger removes his data.
await getAdminAuth(adminApp).deleteUser(bob);
const bobDocumentsGone = await eventually(async () => !(await firestore.doc(`profiles/${bob}`).get()).exists);

const result = {
  ada,
  bob,
  archive: {
    uid: archive.uid,
    following: archive.following?.length,
    likes: archive.likes?.length,
    posts: archive.posts?.length,
    drafts: archive.drafts?.length,
  },
  refusedDelete,
  deleted,
  adaAuthGone,
  adaDocumentsGone,
  bobAfterAda,
  adaProfileForBob,
  bobDocumentsGone,
};
console.log(`E2E_RESULT ${JSON.stringify(result)}`);
process.exit(0);
