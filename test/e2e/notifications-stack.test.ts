// Notifications and draft publishing the way the app gets them: `npm start`'s stack (firebase-tools'
// Auth and Functions emulators, our Data Connect and Firestore engines, mutation events relayed to the
// deployed functions), accounts signed up through the Auth emulator, and the official web SDKs: the
// generated Data Connect SDK to act, Firestore listeners under firestore.rules to watch notifications
// arrive, the client helpers to mark them read, and the `publishDraft` callable.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth, signOut } from "firebase/auth";
import { connectDataConnectEmulator, type DataConnect, getDataConnect } from "firebase/data-connect";
import {
  connectFirestoreEmulator,
  disableNetwork,
  doc,
  enableNetwork,
  type Firestore,
  getDoc,
  getDocFromCache,
  getFirestore,
  onSnapshot,
  setLogLevel,
  terminate,
} from "firebase/firestore";
import { connectFunctionsEmulator, type Functions, getFunctions, httpsCallable } from "firebase/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fresh, sdk } from "../../dataconnect/test/support/webApps.ts";
import { publishDraft, saveDraft } from "../../firestore/client/drafts.ts";
import {
  describeGroup,
  markAllNotificationsRead,
  markNotificationRead,
  NotificationGroup,
  notificationCounter,
  notificationsQuery,
} from "../../firestore/client/notifications.ts";
import { type TempFirebaseConfig, tempFirebaseConfig } from "./support/config.ts";
import { type CollectedOutput, collectOutput } from "./support/process.ts";
import { pinnedPath, repoRoot } from "./support/repo.ts";

let config: TempFirebaseConfig;
let output: CollectedOutput;
let exit: Promise<number | null>;
let stop: () => void;
let dataDir: string;
const apps: FirebaseApp[] = [];

beforeAll(async () => {
  config = await tempFirebaseConfig();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "rookery-notify-"));
  const child = spawn("node", [path.join(repoRoot, "scripts/start.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PATH: pinnedPath(),
      ROOKERY_FIREBASE_CONFIG: config.path,
      ROOKERY_DATA_DIR: dataDir,
      ROOKERY_SEED: "off",
      FUNCTIONS_DISCOVERY_TIMEOUT: "120",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  output = collectOutput(child);
  exit = new Promise((resolve) => child.on("close", resolve));
  stop = () => child.kill("SIGINT");
  await output.waitFor(/Press Ctrl-C to stop/, 150_000);
  setLogLevel("silent");
});

afterAll(async () => {
  for (const app of apps) await deleteApp(app).catch(() => {});
  stop?.();
  await exit;
  await config?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A person with the app: signed up through the Auth emulator, with every SDK the app uses. */
interface Person {
  uid: string;
  dc: DataConnect;
  db: Firestore;
  functions: Functions;
}

async function signUp(name: string): Promise<Person> {
  const app = initializeApp(
    { projectId: "demo-rookery", apiKey: "fake-api-key" },
    `${name}-${crypto.randomUUID()}`,
  );
  apps.push(app);
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://127.0.0.1:${config.ports.auth}`, { disableWarnings: true });
  const { user } = await createUserWithEmailAndPassword(
    auth,
    `${name}@rookery.test`,
    "correct-horse-battery",
  );
  const dc = getDataConnect(app, sdk.connectorConfig);
  connectDataConnectEmulator(dc, "127.0.0.1", config.ports.dataconnect!);
  const db = getFirestore(app);
  connectFirestoreEmulator(db, "127.0.0.1", config.ports.firestore!);
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, "127.0.0.1", config.ports.functions!);
  // The Auth trigger mirrors the account into the social graph; then it picks its username.
  await eventually(async () => (await sdk.getMe(dc, fresh)).data.user, `${name}'s User row`);
  await sdk.updateMyProfile(dc, { username: name });
  return { uid: user.uid, dc, db, functions };
}

/** Polls until `read` answers something truthy (events and functions take a moment). */
async function eventually<T>(
  read: () => Promise<T | undefined | null | false> | T,
  what: string,
): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${output.text.slice(-3000)}`);
}

/** A live view of a person's notifications and unread count, through Firestore listeners. */
function watch(p: Person) {
  const view = { groups: new Map<string, NotificationGroup>(), unread: 0 };
  const stops = [
    onSnapshot(notificationsQuery(p.db, p.uid), (snap) => {
      view.groups = new Map(snap.docs.map((d) => [d.id, NotificationGroup.parse(d.data())]));
    }),
    onSnapshot(notificationCounter(p.db, p.uid), (snap) => {
      view.unread = snap.get("unread") ?? 0;
    }),
  ];
  return {
    view,
    close: () => {
      for (const unsubscribe of stops) unsubscribe();
    },
  };
}

describe("notifications through the running stack", () => {
  let ada: Person;
  let bob: Person;
  let cyd: Person;
  let post: string;

  beforeAll(async () => {
    [ada, bob, cyd] = await Promise.all([signUp("ada"), signUp("bob"), signUp("cyd")]);
    post = (await sdk.createPost(ada.dc, { content: "hello, rookery" })).data.post_insert.id;
  });

  it("arrive live: a like reaches the author's listener with the unread count", async () => {
    const { view, close } = watch(ada);
    await sdk.likePost(bob.dc, { post });
    const group = await eventually(async () => view.groups.get(`like_${post}`), "the like notification");
    expect(describeGroup(group)).toBe("bob liked your post");
    await eventually(async () => view.unread === 1, "unread 1");
    close();
  });

  it("group, and are marked read by their owner through the rules", async () => {
    const { view, close } = watch(ada);
    await markNotificationRead(ada.db, ada.uid, `like_${post}`);
    await eventually(async () => view.unread === 0 && view.groups.get(`like_${post}`)?.read, "read");
    await sdk.likePost(cyd.dc, { post });
    const group = await eventually(
      async () => view.groups.get(`like_${post}`)?.actorCount === 2 && view.groups.get(`like_${post}`),
      "the second like",
    );
    expect(describeGroup(group)).toBe("cyd and bob liked your post");
    expect(group.read).toBe(false);
    await eventually(async () => view.unread === 1, "unread again");
    await markAllNotificationsRead(ada.db, ada.uid);
    await eventually(async () => view.unread === 0, "all read");
    close();
  });

  it("cannot be read or marked by anyone else", async () => {
    await expect(getDoc(notificationCounter(bob.db, ada.uid))).rejects.toMatchObject({
      code: "permission-denied",
    });
    await expect(markNotificationRead(bob.db, ada.uid, `like_${post}`)).rejects.toMatchObject({
      code: "permission-denied",
    });
  });

  it("are retracted when the actions are undone", async () => {
    const { view, close } = watch(ada);
    await sdk.unlikePost(bob.dc, { post });
    await sdk.unlikePost(cyd.dc, { post });
    await eventually(async () => !view.groups.has(`like_${post}`), "the like group gone");
    expect(view.unread).toBe(0);
    close();
  });

  it("come from follows and mentions too", async () => {
    const { view, close } = watch(bob);
    await sdk.follow(ada.dc, { uid: bob.uid });
    const mention = (await sdk.createPost(cyd.dc, { content: "ping @bob" })).data.post_insert.id;
    await eventually(
      async () => view.groups.has("follow") && view.groups.has(`mention_${mention}`),
      "follow and mention",
    );
    expect(describeGroup(view.groups.get("follow")!)).toBe("ada followed you");
    expect(describeGroup(view.groups.get(`mention_${mention}`)!)).toBe("cyd mentioned you");
    await eventually(async () => view.unread === 2, "two unread");
    close();
  });

  it("come from follow requests to a private account, and leave once the request is approved", async () => {
    const { view, close } = watch(cyd);
    await sdk.updateMyProfile(cyd.dc, { isPrivate: true });
    await sdk.follow(ada.dc, { uid: cyd.uid });
    const request = await eventually(async () => view.groups.get("follow_request"), "the request");
    expect(describeGroup(request)).toBe("ada asked to follow you");
    await sdk.approveFollowRequest(cyd.dc, { requesterUid: ada.uid });
    await eventually(
      async () => !view.groups.has("follow_request") && view.groups.has("follow"),
      "the request answered",
    );
    expect(describeGroup(view.groups.get("follow")!)).toBe("ada followed you");
    close();
  });
});

describe("publishing drafts through the running stack", () => {
  let dee: Person;
  let eli: Person;

  beforeAll(async () => {
    [dee, eli] = await Promise.all([signUp("dee"), signUp("eli")]);
  });

  it("publishes a draft once, however often it is called at once, and removes the draft", async () => {
    const { draftId, synced } = saveDraft(dee.db, dee.uid, "draft for @eli");
    await synced;
    const results = await Promise.all([1, 2, 3].map(() => publishDraft(dee.db, dee.functions, draftId)));
    expect(new Set(results.map((r) => r.postId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const card = (await sdk.postThread(dee.dc, { id: results[0]!.postId }, fresh)).data.post as {
      content: string;
    };
    expect(card.content).toBe("draft for @eli");
    expect((await sdk.getMe(dee.dc, fresh)).data.user?.postCount).toBe(1);
    expect((await getDoc(draftRef(dee, draftId))).exists()).toBe(false);
    // The published post notifies as any post does.
    const { view, close } = watch(eli);
    await eventually(async () => view.groups.has(`mention_${results[0]!.postId}`), "eli's mention");
    close();
    // A retry after it finished answers the same post.
    expect(await publishDraft(dee.db, dee.functions, draftId)).toMatchObject({
      postId: results[0]!.postId,
      created: false,
    });
  });

  it("keeps a draft written offline, sends it once back online, then publishes it", async () => {
    await disableNetwork(dee.db);
    const { draftId, synced } = saveDraft(dee.db, dee.uid, "written on a plane");
    // Readable at once from the local cache, not on the server yet.
    expect((await getDocFromCache(draftRef(dee, draftId))).get("content")).toBe("written on a plane");
    await enableNetwork(dee.db);
    await synced;
    const published = await publishDraft(dee.db, dee.functions, draftId);
    expect(published).toMatchObject({ created: true, draftDeleted: true });
    const card = (await sdk.postThread(dee.dc, { id: published.postId }, fresh)).data.post as {
      content: string;
    };
    expect(card.content).toBe("written on a plane");
  });

  it("refuses bad requests with clear errors and loses nothing", async () => {
    const call = httpsCallable(dee.functions, "publishDraft");
    await expect(call({ draftId: "../../etc" })).rejects.toMatchObject({
      code: "functions/invalid-argument",
    });
    await expect(call({ draftId: "nope" })).rejects.toMatchObject({ code: "functions/not-found" });
    const { draftId, synced } = saveDraft(dee.db, dee.uid, "x".repeat(6000));
    await synced;
    const tooLong = call({ draftId });
    await expect(tooLong).rejects.toMatchObject({ code: "functions/invalid-argument" });
    await expect(tooLong).rejects.toThrow("a post holds at most 5000 characters; this draft has 6000");
    expect((await getDoc(draftRef(dee, draftId))).exists()).toBe(true);
  });

  it("refuses to publish for someone signed out", async () => {
    const app = initializeApp(
      { projectId: "demo-rookery", apiKey: "fake-api-key" },
      `anon-${crypto.randomUUID()}`,
    );
    apps.push(app);
    await signOut(getAuth(app));
    const functions = getFunctions(app);
    connectFunctionsEmulator(functions, "127.0.0.1", config.ports.functions!);
    await expect(httpsCallable(functions, "publishDraft")({ draftId: "d1" })).rejects.toMatchObject({
      code: "functions/unauthenticated",
    });
  });

  afterAll(async () => {
    for (const p of [dee, eli]) if (p) await terminate(p.db);
  });
});

const draftRef = (p: Person, draftId: string) => doc(p.db, `users/${p.uid}/drafts/${draftId}`);
