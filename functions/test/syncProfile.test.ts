import path from "node:path";
import { fileURLToPath } from "node:url";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type DataConnect, getDataConnect } from "firebase-admin/data-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../packages/dataconnect-emulator/src/index.ts";
import { onProfileWrite, profileDisplay, profileVersion, syncProfile } from "../src/profiles/syncProfile.ts";

const configDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dataconnect");

describe("profileDisplay", () => {
  it("keeps the mirrored fields, trimmed, and reads absent avatar and bio as null", () => {
    expect(profileDisplay({ displayName: "  Ada ", updatedAt: 1, other: true })).toEqual({
      ok: true,
      value: { displayName: "Ada", avatarUrl: null, bio: null },
    });
  });

  it("leaves displayName out when the profile has none", () => {
    expect(profileDisplay({ bio: "hi" })).toEqual({ ok: true, value: { avatarUrl: null, bio: "hi" } });
  });

  it("refuses what the columns cannot hold, saying why", () => {
    const tooLong = profileDisplay({ displayName: "x".repeat(81) });
    expect(tooLong.ok).toBe(false);
    expect(profileDisplay({ bio: 42 })).toMatchObject({ ok: false, error: expect.stringContaining("bio") });
  });
});

describe("profileVersion", () => {
  it("renders an update time to the microsecond", () => {
    expect(profileVersion({ seconds: 1700000000, nanoseconds: 123456789 })).toBe(
      "2023-11-14T22:13:20.123456Z",
    );
    expect(profileVersion({ seconds: 0, nanoseconds: 5000 })).toBe("1970-01-01T00:00:00.000005Z");
  });
});

describe("syncProfile (against the local Data Connect engine)", () => {
  let emulator: RunningEmulator;
  let app: App;
  let dc: DataConnect;

  beforeAll(async () => {
    emulator = await startDataConnectEmulator({ configDir, standaloneAfterMs: 0, projectId: "demo-sync" });
    process.env.DATA_CONNECT_EMULATOR_HOST = `127.0.0.1:${emulator.addresses[0]!.port}`;
    process.env.METADATA_SERVER_DETECTION = "none";
    app = initializeApp({ projectId: "demo-sync" }, "syncProfile-test");
    dc = getDataConnect({ serviceId: "rookery", location: "us-central1", connector: "social" }, app);
  }, 60_000);
  afterAll(async () => {
    await deleteApp(app);
    await emulator.stop();
  });

  const row = async (uid: string) => {
    const { data } = await dc.executeGraphql<{ user: Record<string, unknown> | null }, unknown>(
      `query { user(key: {uid: "${uid}"}) { displayName avatarUrl bio profileVersion } }`,
    );
    return data.user;
  };
  const edit = (fields: Record<string, unknown>, seconds: number) => ({
    exists: true,
    data: () => fields,
    updateTime: { seconds, nanoseconds: 0 } as never,
  });

  it("creates the row when the profile event arrives first, then follows newer edits", async () => {
    expect(await onProfileWrite(dc, "u1", edit({ displayName: "Ada" }, 100))).toEqual({ outcome: "applied" });
    expect(await row("u1")).toMatchObject({ displayName: "Ada", avatarUrl: null, bio: null });
    await onProfileWrite(
      dc,
      "u1",
      edit({ displayName: "Ada L.", bio: "math", avatarUrl: "https://a.test/1.png" }, 200),
    );
    expect(await row("u1")).toMatchObject({
      displayName: "Ada L.",
      bio: "math",
      avatarUrl: "https://a.test/1.png",
    });
  });

  it("ignores an event older than the edit the row holds", async () => {
    await onProfileWrite(dc, "u2", edit({ displayName: "Newer" }, 300));
    expect(await onProfileWrite(dc, "u2", edit({ displayName: "Older" }, 299))).toEqual({ outcome: "stale" });
    expect((await row("u2"))?.displayName).toBe("Newer");
  });

  it("applies a replayed event once", async () => {
    const event = edit({ displayName: "Once", bio: "b" }, 400);
    expect((await onProfileWrite(dc, "u3", event)).outcome).toBe("applied");
    expect((await onProfileWrite(dc, "u3", event)).outcome).toBe("stale");
  });

  it("many edits delivered in any order end at the newest", async () => {
    const order = [5, 1, 4, 2, 3];
    await Promise.all(order.map((n) => onProfileWrite(dc, "u4", edit({ displayName: `v${n}` }, 1000 + n))));
    expect((await row("u4"))?.displayName).toBe("v5");
  });

  it("a profile without displayName keeps the row's name and clears what it lacks", async () => {
    await onProfileWrite(dc, "u5", edit({ displayName: "Kept", bio: "old" }, 500));
    await onProfileWrite(dc, "u5", edit({}, 501));
    expect(await row("u5")).toMatchObject({ displayName: "Kept", bio: null });
  });

  it("leaves the row alone when the profile is deleted or holds invalid fields", async () => {
    await onProfileWrite(dc, "u6", edit({ displayName: "Stays" }, 600));
    expect(await onProfileWrite(dc, "u6", undefined)).toEqual({ outcome: "deleted" });
    expect(await onProfileWrite(dc, "u6", edit({ displayName: "x".repeat(200) }, 601))).toMatchObject({
      outcome: "invalid",
    });
    expect((await row("u6"))?.displayName).toBe("Stays");
  });

  it("syncProfile reports whether the row changed", async () => {
    expect(await syncProfile(dc, "u7", { avatarUrl: null, bio: null }, "2030-01-01T00:00:00.000001Z")).toBe(
      true,
    );
    expect(await syncProfile(dc, "u7", { avatarUrl: null, bio: null }, "2030-01-01T00:00:00.000001Z")).toBe(
      false,
    );
    expect((await row("u7"))?.displayName).toBe("New rook");
  });
});
