// Exec'd by firebase-tools inside `emulators:exec --only auth,dataconnect` (our TypeScript Data Connect
// emulator plugged in through DATACONNECT_EMULATOR_BINARY_PATH): runs the `social` connector's GetMe through
// the official web SDK signed out and signed in (a real Auth-emulator ID token), before and after
// firebase-admin inserts the user's row, then subscribes to GetMe over the realtime stream and changes the
// profile, and reports what came back.
import { createUserWithEmailAndPassword } from "firebase/auth";
import {
  executeMutation,
  executeQuery,
  mutationRef,
  QueryFetchPolicy,
  queryRef,
  subscribe,
} from "firebase/data-connect";
import { webApp } from "./webApp.ts";

const { auth, dataConnect } = webApp();

// Signed out, GetMe (@auth(level: USER)) is refused.
const signedOut = await executeQuery(queryRef(dataConnect, "GetMe")).then(
  () => "succeeded",
  (error: { code?: string }) => error.code ?? "unknown",
);

// Signed in, it runs as that user: nobody has mirrored the account into Postgres yet, so there is no row.
const { user } = await createUserWithEmailAndPassword(auth, "ada@example.test", "correct-horse-battery");
const beforeMirror = await executeQuery(queryRef(dataConnect, "GetMe"));

// Mirror it the way the functions do, through firebase-admin, then GetMe finds the row.
const { initializeApp: initializeAdminApp } = await import("firebase-admin/app");
const { getDataConnect: getAdminDataConnect } = await import("firebase-admin/data-connect");
const admin = getAdminDataConnect(
  { serviceId: "rookery", location: "us-central1" },
  initializeAdminApp({ projectId: "demo-rookery" }),
);
const { data: adminData } = await admin.executeGraphql<{ users: unknown[] }, undefined>("{ users { uid } }");
await admin.executeGraphql(
  'mutation Mirror($uid: String!) { user_insert(data: { uid: $uid, displayName: "Ada" }) }',
  {
    variables: { uid: user.uid },
  },
);
// SERVER_ONLY: by default the SDK answers a repeated query from its cache of the previous result.
const afterMirror = await executeQuery(queryRef(dataConnect, "GetMe"), {
  fetchPolicy: QueryFetchPolicy.SERVER_ONLY,
});

// Realtime: GetMe looks the user up by key, so changing the profile pushes a new result (implicit refresh).
type Me = { user: { username: string | null } | null };
const live = await new Promise<Me>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no realtime update within 20 s")), 20_000);
  let updated = false;
  const unsubscribe = subscribe(queryRef<Me>(dataConnect, "GetMe"), {
    onNext: (result) => {
      if (!updated) {
        updated = true;
        void executeMutation(mutationRef(dataConnect, "UpdateMyProfile", { username: "ada_live" }));
      } else if (result.data.user?.username === "ada_live") {
        clearTimeout(timer);
        unsubscribe();
        resolve(result.data);
      }
    },
    onErr: (error) => reject(error),
  });
});

console.log(
  `E2E_RESULT ${JSON.stringify({ uid: user.uid, signedOut, beforeMirror: beforeMirror.data, afterMirror: afterMirror.data, adminUsers: adminData.users, live, node: process.version })}`,
);
process.exit(0);
