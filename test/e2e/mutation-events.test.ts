// Mutation events reach the project's real onMutationExecuted functions: our Data Connect engine POSTs
// them to the relay `npm start` runs, which calls the built functions (functions/lib) in process.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  httpEventSink,
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../packages/dataconnect-emulator/src/index.ts";
import {
  type RunningFirestoreEmulator,
  startFirestoreEmulator,
} from "../../packages/firestore-emulator/src/index.ts";
import {
  type MutationEventRelay,
  matchesTrigger,
  scheduleIntervalMs,
  startMutationEventRelay,
} from "../../scripts/lib/mutationEventRelay.ts";
import { repoRoot } from "./support/repo.ts";

const event = {
  type: "google.firebase.dataconnect.connector.v1.mutationExecuted",
  service: "rookery",
  connector: "social",
  operation: "LikePost",
};

describe("matchesTrigger", () => {
  const trigger = {
    eventType: event.type,
    eventFilters: { service: "rookery", connector: "social", operation: "LikePost" },
  };

  it("matches on every literal filter", () => {
    expect(matchesTrigger(trigger, event)).toBe(true);
    expect(matchesTrigger(trigger, { ...event, operation: "UnlikePost" })).toBe(false);
  });

  it("treats path-pattern wildcards and captures as any value", () => {
    expect(
      matchesTrigger({ eventType: event.type, eventFilterPathPatterns: { operation: "{op}" } }, event),
    ).toBe(true);
    expect(
      matchesTrigger({ eventType: event.type, eventFilterPathPatterns: { connector: "*" } }, event),
    ).toBe(true);
  });

  it("ignores other event types and functions without triggers", () => {
    expect(matchesTrigger(undefined, event)).toBe(false);
    expect(
      matchesTrigger({ ...trigger, eventType: "providers/firebase.auth/eventTypes/user.create" }, event),
    ).toBe(false);
  });
});

describe("scheduleIntervalMs", () => {
  it("reads App Engine-style intervals and leaves cron schedules alone", () => {
    expect(scheduleIntervalMs("every 1 minutes")).toBe(60_000);
    expect(scheduleIntervalMs("every 5 minutes")).toBe(300_000);
    expect(scheduleIntervalMs("every 2 hours")).toBe(7_200_000);
    expect(scheduleIntervalMs("0 * * * *")).toBeNull();
    expect(scheduleIntervalMs(undefined)).toBeNull();
  });
});

describe("likes settle through the real functions", () => {
  let emulator: RunningEmulator;
  let relay: MutationEventRelay;
  let firestore: RunningFirestoreEmulator;

  beforeAll(async () => {
    // The like functions also write the author's notification to Firestore: give them a real one
    // (without it their Admin SDK looks for production credentials).
    firestore = await startFirestoreEmulator({ port: 0, projectId: "demo-rookery", log: () => {} });
    process.env.FIRESTORE_EMULATOR_HOST = firestore.address;
    relay = await startMutationEventRelay({ functionsEntry: path.join(repoRoot, "functions/lib/index.js") });
    emulator = await startDataConnectEmulator({
      configDir: path.join(repoRoot, "dataconnect"),
      standaloneAfterMs: 0,
      projectId: "demo-rookery",
      mutationEventSinks: [httpEventSink(relay.url)],
    });
    // The functions' Admin SDK talks to this emulator.
    process.env.GCLOUD_PROJECT = "demo-rookery";
    process.env.DATA_CONNECT_EMULATOR_HOST = `127.0.0.1:${emulator.addresses[0]!.port}`;
    process.env.METADATA_SERVER_DETECTION = "none";
  });
  afterAll(async () => {
    await relay.close();
    await emulator.stop();
    await firestore.stop();
    delete process.env.FIRESTORE_EMULATOR_HOST;
  });

  const graphql = async (query: string, headers: Record<string, string> = {}) => {
    const res = await fetch(
      `${emulator.url}/v1/projects/demo-rookery/locations/us-central1/services/rookery:executeGraphql`,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query }),
      },
    );
    return (await res.json()) as { data: Record<string, unknown> };
  };
  const likeAs = (uid: string, post: string) =>
    fetch(
      `${emulator.url}/v1/projects/demo-rookery/locations/us-central1/services/rookery/connectors/social:impersonateMutation`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          operationName: "LikePost",
          variables: { post },
          extensions: {
            impersonate: { authClaims: { sub: uid, firebase: { sign_in_provider: "password" } } },
          },
        }),
      },
    );

  it("runs the scheduled functions on their schedules, as Cloud Scheduler would (npm start)", async () => {
    expect((await relay.startSchedules()).sort()).toEqual([
      "reconcileCountersDaily",
      "sweepLikeCountsEveryMinute",
    ]);
  });

  it("refuses a web page's request and a body past its bound, and keeps relaying", async () => {
    const fromPage = await fetch(relay.url, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ type: "google.firebase.dataconnect.connector.v1.mutationExecuted" }),
    });
    expect(fromPage.status).toBe(403);
    const huge = await fetch(relay.url, { method: "POST", body: "x".repeat(33 * 1024 * 1024) }).catch(
      (error: unknown) => error,
    );
    // Refused with 413, or the connection closed under a client still sending: never accepted.
    if (huge instanceof Response) expect(huge.status).toBe(413);
    else expect(huge).toBeInstanceOf(Error);
    const after = await fetch(relay.url, { method: "POST", body: JSON.stringify({ type: "unknown" }) });
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ delivered: 0 });
  });

  it("PostStat.likeCount follows the like rows within the settle bound", async () => {
    await graphql(
      `mutation { a: user_insert(data: {uid: "ann", displayName: "Ann"}) b: user_insert(data: {uid: "bob", displayName: "Bob"}) }`,
    );
    const created = await graphql(`mutation { post_insert(data: {authorUid: "ann", content: "like me"}) }`);
    const post = (created.data.post_insert as { id: string }).id;
    await graphql(`mutation { postStat_insert(data: {postId: "${post}"}) }`);
    expect((await likeAs("ann", post)).status).toBe(200);
    expect((await likeAs("bob", post)).status).toBe(200);
    let count = 0;
    for (let i = 0; i < 50 && count !== 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const stats = await graphql(`{ postStat(key: {postId: "${post}"}) { likeCount } }`);
      count = (stats.data.postStat as { likeCount: number }).likeCount;
    }
    expect(count).toBe(2);
  });

  it("Bob's like reaches Ann's notifications in Firestore, and Ann's own like does not", async () => {
    const { getFirestore } = await import("firebase-admin/firestore");
    const { initializeApp, deleteApp } = await import("firebase-admin/app");
    const app = initializeApp({ projectId: "demo-rookery" }, "mutation-events-notifications");
    try {
      const db = getFirestore(app);
      let docs: FirebaseFirestore.DocumentData[] = [];
      for (let i = 0; i < 50 && docs.length === 0; i++) {
        docs = (await db.collection("users/ann/notifications").get()).docs.map((d) => d.data());
        if (docs.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ actorCount: 1 });
      expect((docs[0]!.actors as { uid: string }[]).map((a) => a.uid)).toEqual(["bob"]);
    } finally {
      await deleteApp(app);
    }
  });
});
