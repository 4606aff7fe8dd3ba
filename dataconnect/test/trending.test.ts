// TrendingHashtags and HashtagFeed read post_hashtag (sql/070_post_hashtag.sql), a table the database
// writes with every post. These tests hold it to the definition it replaces — the hashtags parsed from
// the text of the posts the viewer may see (`visible_posts`), less muted authors — on a randomized graph
// with edits, deletions, account deletion, private accounts, followers-only posts, blocks and mutes, for
// every viewer; they try to break in (a stranger's followers-only tag, a blocked or muted author); and,
// on the server, write posts concurrently and check that the table still equals the parse of the posts.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { purgeAccountData } from "../../functions/src/account/purge.ts";
import { stack } from "./support/stack.ts";
import { BACKENDS, ok } from "./support.ts";

// A seeded PRNG (mulberry32): the same graph on every run; ROOKERY_TRENDING_SEED replays another.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The definition: TrendingHashtags before post_hashtag existed, parsing the visible posts' text.
const REFERENCE_TRENDING = `
  SELECT t.tag AS "tag", count(*)::int AS "posts", count(DISTINCT p.author_uid)::int AS "authors"
  FROM visible_posts($1) p CROSS JOIN LATERAL unnest(post_hashtags(p.content)) AS t(tag)
  WHERE p.created_at > now() - interval '24 hours'
    AND NOT EXISTS (SELECT 1 FROM mute m WHERE m.user_uid = $1 AND m.target_uid = p.author_uid)
  GROUP BY t.tag
  ORDER BY count(DISTINCT p.author_uid) DESC, count(*) DESC, t.tag`;

// Rows post_hashtag holds that the posts do not imply, and rows the posts imply that it lacks.
const TABLE_DRIFT = `
  WITH implied AS (
    SELECT p.id AS post_id, t.tag, p.author_uid, p.visibility, p.created_at
    FROM post p CROSS JOIN LATERAL unnest(post_hashtags(p.content)) AS t(tag)
    WHERE p.deleted_at IS NULL
  ), stored AS (
    SELECT post_id, tag::text AS tag, author_uid, visibility, created_at FROM post_hashtag
  )
  (SELECT 'extra' AS kind, * FROM stored EXCEPT SELECT 'extra', * FROM implied)
  UNION ALL
  (SELECT 'missing', * FROM implied EXCEPT SELECT 'missing', * FROM stored)`;

const NEWEST = { beforeTime: "9999-12-31T23:59:59Z", beforeId: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
type Trend = { tag: string; posts: number; authors: number };

describe.each(BACKENDS)("trending hashtags from post_hashtag (%s)", (backend) => {
  const s = stack(backend);
  let n = 0;
  const account = async (name: string, options: { private?: boolean } = {}) => {
    const uid = `${name}-${++n}`;
    ok(await s.as(uid, "mutation", "UpsertMe", { displayName: uid }));
    if (options.private) ok(await s.as(uid, "mutation", "UpdateMyProfile", { isPrivate: true }));
    return uid;
  };
  const post = async (uid: string, content: string, visibility = "PUBLIC") =>
    ok<{ post_insert: { id: string } }>(await s.as(uid, "mutation", "CreatePost", { content, visibility }))
      .post_insert.id;
  const trending = async (viewer: string) =>
    ok<{ tags: Trend[] }>(await s.as(viewer, "query", "TrendingHashtags", { limit: 50 })).tags;
  const tagged = async (viewer: string, tag: string) =>
    ok<{ _select: { id: string }[] }>(
      await s.as(viewer, "query", "HashtagFeed", { tag, ...NEWEST, limit: 50 }),
    )._select.map((p) => p.id);
  const reference = (viewer: string) => s.db.query<Trend>(REFERENCE_TRENDING, [viewer]);

  it("equals the parse of the visible posts for every viewer, through edits, deletions, blocks, mutes and an account deletion", async () => {
    const seed = Number(process.env.ROOKERY_TRENDING_SEED ?? 16);
    const rnd = random(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const people = [];
    for (let i = 0; i < 10; i++) people.push(await account(`r${i}`, { private: i % 4 === 3 }));
    const tags = ["#alpha", "#Beta", "#béta", "#gamma", "\uff03delta", "#eps_1", "#東京"];
    const posts: { id: string; author: string }[] = [];
    const text = () =>
      Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => (rnd() < 0.8 ? pick(tags) : "plain")).join(" ");
    for (let step = 0; step < 160; step++) {
      const me = pick(people);
      const other = pick(people.filter((p) => p !== me));
      const roll = rnd();
      // Refusals (following twice, editing another's post…) are part of the game: ignored.
      if (roll < 0.35) {
        const id = await post(me, text(), rnd() < 0.3 ? "FOLLOWERS" : "PUBLIC");
        posts.push({ id, author: me });
      } else if (roll < 0.45 && posts.length) {
        const p = pick(posts);
        await s.as(p.author, "mutation", "EditPost", { id: p.id, content: text() });
      } else if (roll < 0.52 && posts.length) {
        const p = pick(posts);
        await s.as(p.author, "mutation", "DeletePost", { id: p.id });
      } else if (roll < 0.54 && posts.length) {
        // An old post: out of the 24-hour window (and back, sometimes).
        await s.db.query(`UPDATE post SET created_at = now() - $2::interval WHERE id = $1`, [
          pick(posts).id,
          rnd() < 0.7 ? "25 hours" : "1 hour",
        ]);
      } else if (roll < 0.75) await s.as(me, "mutation", "Follow", { uid: other });
      else if (roll < 0.8) await s.as(other, "mutation", "ApproveFollowRequest", { requesterUid: me });
      else if (roll < 0.84) await s.as(me, "mutation", "Unfollow", { uid: other });
      else if (roll < 0.88) await s.as(me, "mutation", "Block", { uid: other });
      else if (roll < 0.9) await s.as(me, "mutation", "Unblock", { uid: other });
      else if (roll < 0.95) await s.as(me, "mutation", "Mute", { uid: other });
      else if (roll < 0.97) await s.as(me, "mutation", "Unmute", { uid: other });
      else await s.as(me, "mutation", "UpdateMyProfile", { isPrivate: rnd() < 0.5 });
      if (step === 120) await purgeAccountData(s.admin, people.pop()!);
    }
    expect(await s.db.query(TABLE_DRIFT)).toEqual([]);
    const [stored] = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM post_hashtag`);
    expect(stored!.n, `seed ${seed}: the graph has tagged posts`).toBeGreaterThan(20);
    let nonEmpty = 0;
    for (const viewer of people) {
      const expected = await reference(viewer);
      expect(await trending(viewer), `viewer ${viewer}, seed ${seed}`).toEqual(expected);
      if (expected.length) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(3);
  });

  it("rebuilds the table from the posts the first time sql/070 runs on a database with posts", async () => {
    const author = await account("fill");
    const id = await post(author, "#refill me");
    // As on a database migrated before post_hashtag existed: no triggers, no rows.
    await s.db.exec(`DROP TRIGGER post_hashtag_insert ON post; DELETE FROM post_hashtag`);
    await s.db.exec(await readFile(new URL("../sql/070_post_hashtag.sql", import.meta.url), "utf8"));
    expect(await tagged(author, "refill")).toEqual([id]);
    expect(await s.db.query(TABLE_DRIFT)).toEqual([]);
  });

  describe("break-in: a hashtag reaches only those who may see its post", () => {
    const counts = async (viewer: string, tag: string) => (await trending(viewer)).find((t) => t.tag === tag);

    it("a stranger's followers-only hashtag never shows, until the stranger is followed", async () => {
      const [author, viewer] = [await account("fo-author"), await account("fo-viewer")];
      await post(author, "#fo_secret", "FOLLOWERS");
      expect(await counts(viewer, "fo_secret")).toBeUndefined();
      expect(await tagged(viewer, "fo_secret")).toEqual([]);
      ok(await s.as(viewer, "mutation", "Follow", { uid: author }));
      expect(await counts(viewer, "fo_secret")).toEqual({ tag: "fo_secret", posts: 1, authors: 1 });
      ok(await s.as(viewer, "mutation", "Unfollow", { uid: author }));
      expect(await counts(viewer, "fo_secret")).toBeUndefined();
    });

    it("a private account's public hashtag shows to its approved followers only, not to a pending request", async () => {
      const [author, viewer] = [await account("pa-author", { private: true }), await account("pa-viewer")];
      await post(author, "#pa_secret");
      ok(await s.as(viewer, "mutation", "Follow", { uid: author }));
      expect(await counts(viewer, "pa_secret")).toBeUndefined();
      expect(await tagged(viewer, "pa_secret")).toEqual([]);
      ok(await s.as(author, "mutation", "ApproveFollowRequest", { requesterUid: viewer }));
      expect(await counts(viewer, "pa_secret")).toEqual({ tag: "pa_secret", posts: 1, authors: 1 });
    });

    it("blocked authors never count, whoever blocked whom; muted ones neither", async () => {
      const viewer = await account("b-viewer");
      const [blocked, blocker, muted, plain] = [
        await account("b-blocked"),
        await account("b-blocker"),
        await account("b-muted"),
        await account("b-plain"),
      ];
      for (const who of [blocked, blocker, muted, plain]) {
        ok(await s.as(viewer, "mutation", "Follow", { uid: who }));
        await post(who, "#b_tag");
        await post(who, "#b_friends", "FOLLOWERS");
      }
      expect(await counts(viewer, "b_tag")).toEqual({ tag: "b_tag", posts: 4, authors: 4 });
      ok(await s.as(viewer, "mutation", "Block", { uid: blocked }));
      ok(await s.as(blocker, "mutation", "Block", { uid: viewer }));
      ok(await s.as(viewer, "mutation", "Mute", { uid: muted }));
      expect(await counts(viewer, "b_tag")).toEqual({ tag: "b_tag", posts: 1, authors: 1 });
      expect(await counts(viewer, "b_friends")).toEqual({ tag: "b_friends", posts: 1, authors: 1 });
      expect(await tagged(viewer, "b_tag")).toHaveLength(1);
      // The authors still count for themselves and for others.
      expect(await counts(blocked, "b_tag")).toEqual({ tag: "b_tag", posts: 4, authors: 4 });
    });

    it("a deleted or edited-away hashtag stops counting at once", async () => {
      const author = await account("e-author");
      const edited = await post(author, "#e_gone and #e_kept");
      const deleted = await post(author, "#e_gone again");
      ok(await s.as(author, "mutation", "EditPost", { id: edited, content: "#e_kept only" }));
      ok(await s.as(author, "mutation", "DeletePost", { id: deleted }));
      expect(await counts(author, "e_gone")).toBeUndefined();
      expect(await counts(author, "e_kept")).toEqual({ tag: "e_kept", posts: 1, authors: 1 });
      expect(await tagged(author, "e_gone")).toEqual([]);
    });
  });

  // Writes race only on the server (PGlite has one connection).
  if (backend === "postgres")
    it("concurrent posts, edits and deletions leave the table equal to the posts", async () => {
      const authors = [await account("c0"), await account("c1"), await account("c2"), await account("c3")];
      const rnd = random(7);
      const ids = await Promise.all(authors.flatMap((a) => [post(a, "#c_x #c_y"), post(a, "#c_y")]));
      const byAuthor = (i: number) => authors[Math.floor(i / 2)]!;
      for (let round = 0; round < 10; round++) {
        await Promise.all(
          ids.flatMap((id, i) => [
            s.as(byAuthor(i), "mutation", "EditPost", { id, content: rnd() < 0.5 ? "#c_x" : "#c_z #c_y" }),
            s.as(byAuthor(i), "mutation", "EditPost", { id, content: `#c_w ${round}` }),
            post(byAuthor(i), "#c_new"),
            rnd() < 0.1 ? s.as(byAuthor(i), "mutation", "DeletePost", { id }) : Promise.resolve(),
          ]),
        );
      }
      expect(await s.db.query(TABLE_DRIFT)).toEqual([]);
      for (const viewer of authors) expect(await trending(viewer)).toEqual(await reference(viewer));
    });
});
