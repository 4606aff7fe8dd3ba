import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedPage, feedVariables } from "../client/feed.ts";
import { demoUid } from "../seed/demoGraph.ts";
import { isSeeded, seedDemoGraph } from "../seed/seed.ts";
import { counterDrift } from "./support/counters.ts";
import { ok, type Social, social } from "./support.ts";

describe("the demo graph", () => {
  let s: Social;
  const admin = async (query: string) => {
    const res = await s.service.executeGraphql({
      query,
      variables: {},
      readOnly: false,
      caller: { kind: "admin" },
    });
    return { data: ok(res) };
  };

  beforeAll(async () => {
    s = await social();
    expect(await isSeeded(admin)).toBe(false);
    await seedDemoGraph(admin, {
      users: 300,
      meanFollows: 15,
      postsPerUser: 5,
      likesPerPost: 3,
      commentsPerPost: 0.5,
    });
  });
  afterAll(() => s.close());

  it("loads users, follows, posts, replies, likes, comments and bookmarks", async () => {
    const [counts] = await s.db.query<Record<string, number>>(`SELECT
      (SELECT count(*)::int FROM "user") AS users, (SELECT count(*)::int FROM follow) AS follows,
      (SELECT count(*)::int FROM post WHERE reply_to_id IS NULL) AS posts, (SELECT count(*)::int FROM post WHERE reply_to_id IS NOT NULL) AS replies,
      (SELECT count(*)::int FROM "like") AS likes, (SELECT count(*)::int FROM comment) AS comments, (SELECT count(*)::int FROM bookmark) AS bookmarks`);
    expect(counts).toMatchObject({ users: 300, posts: 1500 });
    for (const key of ["follows", "replies", "likes", "comments", "bookmarks"])
      expect(counts![key], key).toBeGreaterThan(0);
    expect(await isSeeded(admin)).toBe(true);
  });

  it("follows a power law: the celebrities have far more followers than the median account", async () => {
    const [row] = await s.db.query<{ celeb: number; median: number }>(`SELECT
      (SELECT min(follower_count) FROM "user" WHERE uid <= '${demoUid(3)}') AS celeb,
      (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY follower_count) FROM "user") AS median`);
    expect(row!.celeb).toBeGreaterThan(row!.median * 5);
  });

  it("spreads posts over the last 90 days", async () => {
    const [row] = await s.db.query<{ days: number }>(
      `SELECT extract(day FROM max(created_at) - min(created_at))::int AS days FROM post WHERE reply_to_id IS NULL`,
    );
    expect(row!.days).toBeGreaterThanOrEqual(80);
  });

  it("leaves every counter equal to the rows it counts", async () => {
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("keeps to the visibility rule: nobody likes, comments on, bookmarks or answers a post they may not see", async () => {
    const [row] = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (
      SELECT l.user_uid AS viewer, l.post_id FROM "like" l
      UNION ALL SELECT c.author_uid, c.post_id FROM comment c
      UNION ALL SELECT b.user_uid, b.post_id FROM bookmark b
      UNION ALL SELECT r.author_uid, r.reply_to_id FROM post r WHERE r.reply_to_id IS NOT NULL) x
      WHERE NOT EXISTS (SELECT 1 FROM visible_posts(x.viewer) v WHERE v.id = x.post_id)
        AND EXISTS (SELECT 1 FROM post p WHERE p.id = x.post_id AND p.deleted_at IS NULL)`);
    expect(row!.n).toBe(0);
  });

  it("gives a demo user a full home feed", async () => {
    const page = feedPage(
      ok<{ _select: unknown }>(await s.query(demoUid(10), "HomeFeed", feedVariables(null, 20)))._select,
      20,
    );
    expect(page.items).toHaveLength(20);
  });
});
