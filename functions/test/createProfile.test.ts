import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type RunningFirestoreEmulator,
  startFirestoreEmulator,
} from "../../packages/firestore-emulator/src/index.ts";
import { createProfile, newProfile } from "../src/profiles/createProfile.ts";

describe("newProfile", () => {
  it("takes the display name rules and the provider's photo", () => {
    expect(newProfile({ email: "ada@example.test", photoURL: "https://img.test/a.png" })).toEqual({
      displayName: "ada",
      avatarUrl: "https://img.test/a.png",
    });
  });

  it("drops a photo URL the social graph would refuse, instead of failing the mirror", () => {
    for (const photoURL of ["javascript:alert(1)", "http://evil.test/a.png", "data:image/png;base64,AA", ""])
      expect(newProfile({ email: "ada@example.test", photoURL }).avatarUrl, photoURL).toBeNull();
    expect(newProfile({ email: "ada@example.test", photoURL: "http://127.0.0.1:9199/a.png" }).avatarUrl).toBe(
      "http://127.0.0.1:9199/a.png",
    );
  });
});

describe("createProfile (against the local Firestore engine)", () => {
  let emulator: RunningFirestoreEmulator;
  let app: App;

  beforeAll(async () => {
    emulator = await startFirestoreEmulator({ port: 0, projectId: "demo-functions-test" });
    process.env.FIRESTORE_EMULATOR_HOST = emulator.address;
    process.env.METADATA_SERVER_DETECTION = "none";
    app = initializeApp({ projectId: "demo-functions-test" }, "createProfile-test");
  });
  afterAll(async () => {
    await deleteApp(app);
    await emulator.stop();
  });
  beforeEach(() => emulator.clear());

  it("creates profiles/{uid} with a server timestamp", async () => {
    const db = getFirestore(app);
    expect(await createProfile(db, "u1", { displayName: "Ada", avatarUrl: null })).toBe(true);
    const snap = await db.doc("profiles/u1").get();
    expect(snap.data()).toMatchObject({ displayName: "Ada", avatarUrl: null });
    expect(snap.get("updatedAt").toDate()).toBeInstanceOf(Date);
  });

  it("never overwrites a profile that exists (retried trigger)", async () => {
    const db = getFirestore(app);
    await db.doc("profiles/u2").set({ displayName: "Edited by user" });
    expect(await createProfile(db, "u2", { displayName: "Default", avatarUrl: null })).toBe(false);
    expect((await db.doc("profiles/u2").get()).get("displayName")).toBe("Edited by user");
  });
});
