// `npm run seed [-- --force]`: loads the demo graph into the running local stack (`npm start` runs
// it on first start) and creates the demo sign-in demo@rookery.test / rookery-demo.
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getDataConnect } from "firebase-admin/data-connect";
import { demoUid } from "../dataconnect/seed/demoGraph.ts";
import { isSeeded, seedDemoGraph } from "../dataconnect/seed/seed.ts";

/** The demo account's sign-in, a normal user of the demo graph. */
export const DEMO_LOGIN = { uid: demoUid(6), email: "demo@rookery.test", password: "rookery-demo" };

/** Seeds the stack at these emulator addresses unless it is seeded already (or `force`). Returns whether it seeded. */
export async function seedLocalStack(options: {
  dataConnectHost: string;
  authHost: string;
  force?: boolean;
  log?: (line: string) => void;
}): Promise<boolean> {
  const log = options.log ?? console.log;
  process.env.DATA_CONNECT_EMULATOR_HOST = options.dataConnectHost;
  process.env.FIREBASE_AUTH_EMULATOR_HOST = options.authHost;
  process.env.METADATA_SERVER_DETECTION = "none";
  const app = initializeApp({ projectId: "demo-rookery" }, `seed-${Date.now()}`);
  try {
    const dc = getDataConnect({ serviceId: "rookery", location: "us-central1" }, app);
    const graphql = (query: string) => dc.executeGraphql(query);
    if (!options.force && (await isSeeded(graphql))) {
      // The Auth accounts are kept apart from the graph; a crash right after seeding could lose them.
      const auth = getAuth(app);
      const missing = await auth.getUser(DEMO_LOGIN.uid).then(
        () => false,
        () => true,
      );
      if (missing) await auth.createUser({ ...DEMO_LOGIN, displayName: "Demo" });
      log(
        `Demo graph already loaded (npm run seed -- --force to load it again)${missing ? "; demo sign-in recreated" : ""}.`,
      );
      return false;
    }
    const started = Date.now();
    await seedDemoGraph(graphql);
    const auth = getAuth(app);
    await auth.deleteUser(DEMO_LOGIN.uid).catch(() => {});
    await auth.createUser({ ...DEMO_LOGIN, displayName: "Demo" });
    log(
      `Demo graph loaded in ${((Date.now() - started) / 1000).toFixed(1)} s; sign in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}.`,
    );
    return true;
  } finally {
    await deleteApp(app);
  }
}

if (import.meta.main) {
  await seedLocalStack({
    dataConnectHost: process.env.DATA_CONNECT_EMULATOR_HOST ?? "127.0.0.1:9399",
    authHost: process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099",
    force: process.argv.includes("--force"),
  });
}
