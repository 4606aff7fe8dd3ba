// Usernames: every account gets a unique one from the Auth mirror (functions/src/profiles/mirrorUser.ts,
// through firebase-admin, as the deployed function runs it), collision-safe under concurrent sign-ups and
// unique whatever the case; its owner changes it with validation; profiles are looked up by it. The
// rules live in three places (SQL, the operation's @check, the functions' derivation): kept in step here.
import { readFile } from "node:fs/promises";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type DataConnect, getDataConnect } from "firebase-admin/data-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorUser } from "../../functions/src/profiles/mirrorUser.ts";
import { RESERVED_USERNAMES, USERNAME_PATTERN } from "../../functions/src/usernames/rules.ts";
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import { createService } from "../../packages/dataconnect-emulator/src/engine/project.ts";
import type { Service } from "../../packages/dataconnect-emulator/src/engine/types.ts";
import {
  type RunningEmulator,
  startDataConnectEmulator,
} from "../../packages/dataconnect-emulator/src/index.ts";
import { profileOf } from "../client/users.ts";
import { BACKENDS, caller, compileSocial, ok, openDatabase } from "./support.ts";

const here = (file: string) => new URL(file, import.meta.url);

describe("the username rules, stated three times, agree", () => {
  it("reserves the same names in SQL, in UpdateMyProfile's @check and in the functions", async () => {
    const sql = await readFile(here("../sql/030_input_rules.sql"), "utf8");
    const inSql = [
      ...sql
        .slice(sql.indexOf("ARRAY['about'"))
        .split("]")[0]!
        .matchAll(/'([a-z_]+)'/g),
    ].map((m) => m[1]);
    const gql = await readFile(here("../connector/users.gql"), "utf8");
    const inCel = /\(\?i\)\^\(([a-z_|]+)\)\$/.exec(gql)![1]!.split("|");
    expect(inSql).toEqual([...RESERVED_USERNAMES]);
    expect(inCel).toEqual([...RESERVED_USERNAMES]);
  });

  it("uses the same format in SQL, in the @check and in the functions", async () => {
    const sql = await readFile(here("../sql/030_input_rules.sql"), "utf8");
    const gql = await readFile(here("../connector/users.gql"), "utf8");
    expect(sql).toContain(`'${USERNAME_PATTERN.source}'`);
    expect(gql).toContain(`r'${USERNAME_PATTERN.source}'`);
  });
});

describe.each(BACKENDS)("usernames (%s)", (backend) => {
  let db: Database;
  let emulator: RunningEmulator;
  let app: App;
  let dc: DataConnect;
  let service: Service;
  let n = 0;

  beforeAll(async () => {
    db = await openDatabase(backend);
    emulator = await startDataConnectEmulator({
      configDir: here("..").pathname,
      database: db,
      standaloneAfterMs: 0,
      projectId: "demo-rookery",
    });
    process.env.DATA_CONNECT_EMULATOR_HOST = `127.0.0.1:${emulator.addresses[0]!.port}`;
    process.env.METADATA_SERVER_DETECTION = "none";
    app = initializeApp({ projectId: "demo-rookery" }, `usernames-${backend}-${crypto.randomUUID()}`);
    dc = getDataConnect({ serviceId: "rookery", location: "us-central1", connector: "social" }, app);
    // Signed-in users' calls, through an engine service of this process on the same database.
    service = createService(await compileSocial(), db);
  });
  afterAll(async () => {
    await deleteApp(app);
    await emulator.stop();
    await db.close();
  });

  const uid = (name: string) => `${name}-${backend}-${++n}`;
  const profile = { displayName: "Ada", avatarUrl: null };
  const usernameOf = async (who: string) =>
    (await db.query<{ username: string | null }>(`SELECT username FROM "user" WHERE uid = $1`, [who]))[0]
      ?.username;
  /** Runs a connector operation as a signed-in user, through the engine. */
  const as = (who: string, kind: "query" | "mutation", operationName: string, variables = {}) =>
    service.executeConnector({ connector: "social", operationName, variables, kind, caller: caller(who) });
  const messages = (res: { errors?: { message: string }[] }) => (res.errors ?? []).map((e) => e.message);

  it("gives a new account its base as username when it is free", async () => {
    const ada = uid("ada");
    const base = `ada_${backend}_${n}`;
    expect(await mirrorUser(dc, ada, profile, base)).toEqual({ username: base, claimed: true });
    expect(await usernameOf(ada)).toBe(base);
  });

  it("is idempotent: a retried trigger keeps the username the first run gave", async () => {
    const ada = uid("ada");
    const base = `once_${backend}_${n}`;
    const first = await mirrorUser(dc, ada, profile, base);
    expect(await mirrorUser(dc, ada, profile, `${base}_other`)).toEqual({
      username: first.username,
      claimed: false,
    });
  });

  it("gives a row made before the mirror (UpsertMe, a profile edit) its username, keeping its fields", async () => {
    const early = uid("early");
    ok(await as(early, "mutation", "UpsertMe", { displayName: "Early Bird" }));
    const base = `early_${backend}_${n}`;
    expect((await mirrorUser(dc, early, profile, base)).claimed).toBe(true);
    const [row] = await db.query(`SELECT username, display_name FROM "user" WHERE uid = $1`, [early]);
    expect(row).toEqual({ username: base, display_name: "Early Bird" });
  });

  it("takes another name when the base is taken, whatever its case", async () => {
    const base = `grace_${backend}_${n}`;
    await mirrorUser(dc, uid("grace"), profile, base);
    const second = uid("grace");
    const got = await mirrorUser(dc, second, profile, base.toUpperCase());
    expect(got.claimed).toBe(true);
    expect(got.username.toLowerCase()).not.toBe(base);
    expect(got.username).toMatch(new RegExp(`^${base.toUpperCase()}\\d{2,9}$`));
  });

  it("gives twenty concurrent sign-ups with one base twenty different usernames", async () => {
    const base = `storm_${backend}_${n}`;
    const uids = Array.from({ length: 20 }, () => uid("storm"));
    const results = await Promise.all(uids.map((u) => mirrorUser(dc, u, profile, base)));
    expect(results.every((r) => r.claimed)).toBe(true);
    const names = results.map((r) => r.username.toLowerCase());
    expect(new Set(names).size).toBe(20);
    for (const [i, u] of uids.entries()) expect(await usernameOf(u)).toBe(results[i]!.username);
  });

  it("gives up with a clear error when every candidate is taken", async () => {
    const base = `full_${backend}_${n}`;
    // A random source stuck at 0 makes nine distinct names (the base, then one per suffix length)…
    for (let i = 0; i < 9; i++)
      expect((await mirrorUser(dc, uid("full"), profile, base, () => 0)).claimed).toBe(true);
    // …and the tenth account finds them all taken.
    await expect(mirrorUser(dc, uid("full"), profile, base, () => 0)).rejects.toThrow(/no free username/);
  });

  it("lets its owner change it, case included, and refuses bad, reserved and taken names with reasons", async () => {
    const [ann, bob] = [uid("ann"), uid("bob")];
    const bobName = `bob_${backend}_${n}`;
    await mirrorUser(dc, ann, profile, `ann_${backend}_${n}`);
    await mirrorUser(dc, bob, profile, bobName);
    const annName = `Ann_${backend}_${n}`;
    expect(ok(await as(ann, "mutation", "UpdateMyProfile", { username: annName }))).toMatchObject({
      renamed: 1,
    });
    expect(await usernameOf(ann)).toBe(annName);
    const refusals: [unknown, string][] = [
      ["ab", "a username is 3 to 30 letters, digits or underscores"],
      ["x".repeat(31), "a username is 3 to 30 letters, digits or underscores"],
      ["ann smith", "a username is 3 to 30 letters, digits or underscores"],
      ["zoë", "a username is 3 to 30 letters, digits or underscores"],
      ["", "a username is 3 to 30 letters, digits or underscores"],
      ["Admin", "that username is reserved"],
      ["ROOKERY", "that username is reserved"],
      [annName.toLowerCase(), "that username is taken"],
    ];
    for (const [username, message] of refusals)
      expect(
        messages(await as(bob, "mutation", "UpdateMyProfile", { username })),
        String(username),
      ).toContain(message);
    expect(await usernameOf(bob)).toBe(bobName);
    // null and absence keep it: a username is never removed.
    ok(await as(bob, "mutation", "UpdateMyProfile", { username: null, bio: "still me" }));
    expect(await usernameOf(bob)).toBe(bobName);
  });

  it("the database refuses a reserved name and a bad one whatever reaches it", async () => {
    const who = uid("raw");
    await mirrorUser(dc, who, profile, `raw_${backend}_${n}`);
    for (const name of ["SUPPORT", "a-b"]) {
      const error = await db
        .query(`UPDATE "user" SET username = $1 WHERE uid = $2`, [name, who])
        .catch((e: Error) => e);
      expect(String(error), name).toMatch(/user_username_not_reserved|user_username_format/);
    }
  });

  it("looks a profile up by username, any case and with an @, answering what GetProfile answers", async () => {
    const [ann, bob] = [uid("ann"), uid("bob")];
    const name = `Look_${backend}_${n}`;
    await mirrorUser(dc, ann, profile, name);
    await mirrorUser(dc, bob, profile, `viewer_${backend}_${n}`);
    ok(await as(ann, "mutation", "UpdateMyProfile", { isPrivate: true, bio: "hello" }));
    ok(await as(bob, "mutation", "Follow", { uid: ann }));
    ok(await as(bob, "mutation", "Mute", { uid: ann }));
    ok(await as(ann, "mutation", "Follow", { uid: bob }));
    const byUid = ok(await as(bob, "query", "GetProfile", { uid: ann }));
    for (const username of [name, name.toLowerCase(), `@${name.toUpperCase()}`, `  ${name} `]) {
      const byName = ok<{ profile: unknown }>(await as(bob, "query", "UserByUsername", { username })).profile;
      expect(profileOf(byName), username).toEqual(profileOf(byUid));
    }
    expect(profileOf(byUid)).toMatchObject({
      user: { uid: ann, username: name, isPrivate: true, bio: "hello" },
      following: null,
      followedBy: { createdAt: expect.any(String) },
      muting: { createdAt: expect.any(String) },
      requested: { createdAt: expect.any(String) },
    });
    expect(
      ok<{ profile: unknown }>(await as(bob, "query", "UserByUsername", { username: "nobody_here" })),
    ).toEqual({
      profile: null,
    });
  });
});
