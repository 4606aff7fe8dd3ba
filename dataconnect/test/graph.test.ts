import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIRST_FOLLOW_PAGE, followPage, mutualPage } from "../client/users.ts";
import { ok, type Social, social } from "./support.ts";

describe("follows, blocks and mutes", () => {
  let s: Social;
  beforeAll(async () => {
    s = await social();
    await s.users("ann", "bob", "cat", "dan", "eve");
  });
  afterAll(() => s.close());

  const counts = async (uid: string) => {
    const [row] = await s.db.query<{ followers: number; following: number }>(
      `SELECT follower_count AS followers, following_count AS following FROM "user" WHERE uid = $1`,
      [uid],
    );
    return row!;
  };
  const relationship = async (viewer: string, uid: string) =>
    ok<Record<string, unknown>>(await s.query(viewer, "GetProfile", { uid }));

  it("follows and counts it on both sides", async () => {
    ok(await s.mutate("ann", "Follow", { uid: "bob" }));
    expect(await counts("ann")).toMatchObject({ following: 1 });
    expect(await counts("bob")).toMatchObject({ followers: 1 });
    expect(await relationship("ann", "bob")).toMatchObject({
      following: { createdAt: expect.any(String) },
      followedBy: null,
    });
    expect(await relationship("bob", "ann")).toMatchObject({
      following: null,
      followedBy: { createdAt: expect.any(String) },
    });
  });

  it("refuses a duplicate follow and changes no counter", async () => {
    const res = await s.mutate("ann", "Follow", { uid: "bob" });
    expect(res.errors?.map((e) => e.message)).toContain("you already follow this account");
    expect(await counts("bob")).toMatchObject({ followers: 1 });
  });

  it("refuses following yourself or nobody", async () => {
    expect(
      (await s.mutate("ann", "Follow", { uid: "ann" })).errors?.some((e) =>
        /yourself|follow_not_self/.test(e.message),
      ),
    ).toBe(true);
    expect((await s.mutate("ann", "Follow", { uid: "ghost" })).errors?.[0]?.message).toBe("no such user");
    expect(await counts("ann")).toMatchObject({ following: 1, followers: 0 });
  });

  it("unfollows once; a second unfollow is refused and counters never go negative", async () => {
    ok(await s.mutate("cat", "Follow", { uid: "dan" }));
    ok(await s.mutate("cat", "Unfollow", { uid: "dan" }));
    const again = await s.mutate("cat", "Unfollow", { uid: "dan" });
    expect(again.errors?.[0]?.message).toBe("you do not follow this account");
    expect(await counts("cat")).toMatchObject({ following: 0 });
    expect(await counts("dan")).toMatchObject({ followers: 0 });
  });

  it("a block removes follows both ways, fixes all four counters and stops new follows", async () => {
    ok(await s.mutate("dan", "Follow", { uid: "eve" }));
    ok(await s.mutate("eve", "Follow", { uid: "dan" }));
    ok(await s.mutate("eve", "Block", { uid: "dan" }));
    expect(await counts("dan")).toEqual({ followers: 0, following: 0 });
    expect(await counts("eve")).toEqual({ followers: 0, following: 0 });
    expect((await s.mutate("dan", "Follow", { uid: "eve" })).errors?.[0]?.message).toBe(
      "you cannot follow this account",
    );
    expect((await s.mutate("eve", "Follow", { uid: "dan" })).errors?.[0]?.message).toBe(
      "you cannot follow this account",
    );
    expect(await relationship("eve", "dan")).toMatchObject({ blocking: { createdAt: expect.any(String) } });
    ok(await s.mutate("eve", "Block", { uid: "dan" }));
    expect(await counts("dan")).toEqual({ followers: 0, following: 0 });
    ok(await s.mutate("eve", "Unblock", { uid: "dan" }));
    ok(await s.mutate("dan", "Follow", { uid: "eve" }));
  });

  it("refuses blocking or muting yourself", async () => {
    expect((await s.mutate("ann", "Block", { uid: "ann" })).errors?.length).toBeGreaterThan(0);
    expect((await s.mutate("ann", "Mute", { uid: "ann" })).errors?.length).toBeGreaterThan(0);
  });

  it("mutes and unmutes idempotently", async () => {
    ok(await s.mutate("ann", "Mute", { uid: "cat" }));
    ok(await s.mutate("ann", "Mute", { uid: "cat" }));
    expect(await relationship("ann", "cat")).toMatchObject({ muting: { createdAt: expect.any(String) } });
    ok(await s.mutate("ann", "Unmute", { uid: "cat" }));
    expect(await relationship("ann", "cat")).toMatchObject({ muting: null });
  });

  it("lists followers and following newest first, paging by cursor without gaps or repeats", async () => {
    for (const uid of ["bob", "cat", "dan", "eve"]) await s.mutate(uid, "Follow", { uid: "ann" });
    const seen: string[] = [];
    let cursor: { beforeTime: string; afterUid: string } | null = FIRST_FOLLOW_PAGE;
    for (let page = 0; page < 5 && cursor; page++) {
      const result = followPage(
        ok<{ follows: unknown }>(await s.query("bob", "Followers", { uid: "ann", ...cursor, limit: 3 }))
          .follows,
        3,
      );
      seen.push(...result.items.map((f) => f.uid));
      cursor = result.next;
    }
    expect(seen.sort()).toEqual(["bob", "cat", "dan", "eve"]);
    const { follows } = ok<{ follows: { uid: string }[] }>(
      await s.query("ann", "Following", { uid: "ann", beforeTime: "9999-12-31T23:59:59Z" }),
    );
    expect(follows.map((f) => f.uid)).toEqual(["bob"]);
  });

  it("bounds every list: a huge limit returns one bounded page, a negative one a single row", async () => {
    const page = (limit: number) =>
      s.query("ann", "Followers", { uid: "ann", beforeTime: "9999-12-31T23:59:59Z", limit });
    await s.db.exec(
      `INSERT INTO "user" (uid, display_name) SELECT 'fan' || g, 'Fan' FROM generate_series(1, 150) g;
       INSERT INTO follow (follower_uid, followee_uid) SELECT 'fan' || g, 'ann' FROM generate_series(1, 150) g;`,
    );
    expect(ok<{ follows: unknown[] }>(await page(1_000_000_000)).follows).toHaveLength(100);
    expect(ok<{ follows: unknown[] }>(await page(-5)).follows).toHaveLength(1);
    await s.db.exec(
      `DELETE FROM follow WHERE follower_uid LIKE 'fan%'; DELETE FROM "user" WHERE uid LIKE 'fan%'`,
    );
  });

  it("finds mutual followers and friends of friends to follow", async () => {
    // ann follows bob; bob and cat (and dan, eve) follow ann.
    ok(await s.mutate("cat", "Follow", { uid: "bob" }));
    const { users } = ok<{ users: unknown }>(await s.query("cat", "MutualFollowers", { uid: "bob" }));
    expect(mutualPage(users).items.map((u) => u.uid)).toEqual(["ann"]);
    const { _select } = ok<{ _select: { uid: string; knownBy: number }[] }>(
      await s.query("bob", "WhoToFollow"),
    );
    expect(_select.map((u) => u.uid)).not.toContain("bob");
    expect(_select.every((u) => u.knownBy >= 1)).toBe(true);
  });
});
