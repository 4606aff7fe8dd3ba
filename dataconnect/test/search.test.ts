// Search (connector/search.gql, sql/060_search.sql) on PGlite and on a PostgreSQL server: accounts by
// username and display name, posts by full text, hashtag pages and trending hashtags — folded (case and
// accents never matter), ranked, keyset-paginated without gaps or repeats, and filtered by blocks, mutes
// and privacy through the visibility rule.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedPage, feedVariables } from "../client/feed.ts";
import {
  FIRST_SEARCH_PAGE,
  type SearchPostItem,
  searchPostsPage,
  searchUsersPage,
} from "../client/search.ts";
import { BACKENDS, ok, type Social, social } from "./support.ts";

describe.each(BACKENDS)("search (%s)", (backend) => {
  let s: Social;
  let n = 0;
  beforeAll(async () => {
    s = await social({ backend });
  });
  afterAll(() => s.close());

  /** A new account with a username and display name; `private` makes it private. */
  const account = async (username: string, displayName: string, options: { private?: boolean } = {}) => {
    const uid = `u${++n}-${username}`;
    ok(await s.mutate(uid, "UpsertMe", { displayName }));
    ok(await s.mutate(uid, "UpdateMyProfile", { username, isPrivate: options.private ?? false }));
    return uid;
  };
  const post = async (uid: string, content: string, visibility?: string) =>
    ok<{ post_insert: { id: string } }>(
      await s.mutate(uid, "CreatePost", { content, ...(visibility ? { visibility } : {}) }),
    ).post_insert.id;
  const sql = (text: string, params: unknown[] = []) => s.db.query(text, params);

  /** Every page of SearchUsers, concatenated, `limit` a page. */
  const allUsers = async (viewer: string, query: string, limit = 2) => {
    const rows: { username: string | null; rank: number; uid: string }[] = [];
    let variables: object = FIRST_SEARCH_PAGE.users;
    for (let pages = 0; pages < 50; pages++) {
      const page = searchUsersPage(
        ok<{ users: unknown }>(await s.query(viewer, "SearchUsers", { query, ...variables, limit })).users,
        limit,
      );
      rows.push(...page.items);
      if (!page.next) return rows;
      variables = page.next;
    }
    throw new Error("too many pages");
  };
  /** Every page of SearchPosts, concatenated. */
  const allPosts = async (viewer: string, query: string, limit = 2) => {
    const rows: SearchPostItem[] = [];
    let variables: object = FIRST_SEARCH_PAGE.posts;
    for (let pages = 0; pages < 100; pages++) {
      const page = searchPostsPage(
        ok<{ _select: unknown }>(await s.query(viewer, "SearchPosts", { query, ...variables, limit }))
          ._select,
        limit,
      );
      rows.push(...page.items);
      if (!page.next) return rows;
      variables = page.next;
    }
    throw new Error("too many pages");
  };
  /** Every page of HashtagFeed, concatenated. */
  const allTagged = async (viewer: string, tag: string, limit = 2) => {
    const ids: string[] = [];
    let cursor = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = feedPage(
        ok<{ _select: unknown }>(
          await s.query(viewer, "HashtagFeed", { tag, ...feedVariables(cursor, limit) }),
        )._select,
        limit,
      );
      ids.push(...page.items.map((p) => p.id));
      if (!page.next) return ids;
      cursor = page.next;
    }
    throw new Error("too many pages");
  };

  describe("folding and hashtags, in SQL", () => {
    it("folds case, accents, ligatures and full-width forms", async () => {
      const [row] = await sql(`SELECT fold_text('Zoë STRASSE Straße Œuvre ﬁne Ｆｕｌｌ Łódź Ærø') AS f`);
      expect(row).toEqual({ f: "zoe strasse strasse oeuvre fine full lodz aero" });
    });

    it("folds all-ASCII text by its shortcut exactly as the full folding does", async () => {
      // Every printable ASCII character, and each one next to a letter the full folding rewrites.
      const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
      const [row] = await sql(
        `SELECT fold_text($1) AS short, fold_text($1 || 'ß') AS full, fold_text('ß' || $1) AS full2`,
        [ascii],
      );
      const folded = ascii.toLowerCase();
      expect(row).toEqual({ short: folded, full: `${folded}ss`, full2: `ss${folded}` });
    });

    it("finds hashtags, folded and distinct, but not inside words, URLs or entities, nor all-digit ones", async () => {
      const [row] = await sql(`SELECT post_hashtags($1) AS tags`, [
        "#Café and #cafe, (#paren) #a1 #2024 #_ a#b example.com/#top &#38; #東京 #ok. #" + "y".repeat(65),
      ]);
      expect(row).toEqual({ tags: ["a1", "cafe", "ok", "paren", "東京"] });
    });
  });

  describe("accounts", () => {
    let viewer = "";
    beforeAll(async () => {
      viewer = await account("viewer", "The Viewer");
    });

    it("finds usernames by prefix, whatever the case, with or without @, the exact one first", async () => {
      await account("pref_b", "Someone");
      await account("pref", "Someone Else");
      await account("Pref_a", "Another");
      await account("other", "Unrelated");
      const rows = await allUsers(viewer, "@PREF");
      expect(rows.map((r) => [r.rank, r.username])).toEqual([
        [0, "pref"],
        [1, "Pref_a"],
        [1, "pref_b"],
      ]);
    });

    it("finds display names by word prefix, accents and case folded, after the usernames", async () => {
      const zoe = await account("zz_first", "Zoë Ångström");
      await account("zoe_handle", "Nobody");
      const rows = await allUsers(viewer, "zoe");
      expect(rows.map((r) => r.username)).toEqual(["zoe_handle", "zz_first"]);
      expect(rows.map((r) => r.rank)).toEqual([1, 2]);
      expect((await allUsers(viewer, "ANGST")).map((r) => r.uid)).toEqual([zoe]);
      expect((await allUsers(viewer, "zo angs")).map((r) => r.uid)).toEqual([zoe]);
      expect(await allUsers(viewer, "zoe angstroms")).toEqual([]);
    });

    it("pages by keyset: every match once, in order, at any page size", async () => {
      for (let i = 0; i < 7; i++) await account(`page_${i}`, `Pager ${i}`);
      await account("pager", "Exact Pager");
      const expected = (await allUsers(viewer, "page", 50)).map((r) => r.uid);
      expect(expected).toHaveLength(8);
      for (const limit of [1, 2, 3, 7])
        expect((await allUsers(viewer, "page", limit)).map((r) => r.uid)).toEqual(expected);
      expect((await allUsers(viewer, "pager", 1)).map((r) => r.username)).toEqual([
        "pager",
        ...Array.from({ length: 7 }, (_, i) => `page_${i}`),
      ]);
    });

    it("takes the query literally: _ and % are characters, not wildcards; junk is no error", async () => {
      await account("lit_x", "Alpha");
      await account("litax", "Beta");
      expect((await allUsers(viewer, "lit_")).map((r) => r.username)).toEqual(["lit_x"]);
      for (const junk of ["%", "_", "\\", "'", "&|!():*", "   ", "a".repeat(500), "#", "@"])
        ok(await s.query(viewer, "SearchUsers", { query: junk }));
    });

    it("leaves out accounts on either side of a block, keeps private accounts", async () => {
      const blocker = await account("blk_blocker", "Blk");
      const blocked = await account("blk_blocked", "Blk");
      const hidden = await account("blk_private", "Blk", { private: true });
      ok(await s.mutate(blocker, "Block", { uid: viewer }));
      ok(await s.mutate(viewer, "Block", { uid: blocked }));
      expect((await allUsers(viewer, "blk")).map((r) => r.uid)).toEqual([hidden]);
      expect((await allUsers(blocker, "viewer")).map((r) => r.uid)).toEqual([]);
    });
  });

  describe("posts", () => {
    let viewer = "";
    let author = "";
    beforeAll(async () => {
      viewer = await account("p_viewer", "Post Viewer");
      author = await account("p_author", "Post Author");
    });

    it("matches words whatever their case and accents, most relevant first", async () => {
      const once = await post(author, "A café on the corner");
      const twice = await post(author, "CAFE au lait, café noir");
      await post(author, "Tea only");
      expect((await allPosts(viewer, "cafe")).map((p) => p.id)).toEqual([twice, once]);
      expect((await allPosts(viewer, "CAFÉ")).map((p) => p.id)).toEqual([twice, once]);
    });

    it("understands phrases, OR and exclusions, and treats junk as text", async () => {
      const a = await post(author, "quick brown fox");
      const b = await post(author, "brown quick dog");
      expect((await allPosts(viewer, '"quick brown"')).map((p) => p.id)).toEqual([a]);
      expect((await allPosts(viewer, "quick -dog")).map((p) => p.id)).toEqual([a]);
      expect(new Set((await allPosts(viewer, "fox or dog")).map((p) => p.id))).toEqual(new Set([a, b]));
      for (const junk of ["&|!():*", "'", "\\", "", "   ", "a".repeat(5000), "-", '"'])
        ok(await s.query(viewer, "SearchPosts", { query: junk, ...FIRST_SEARCH_PAGE.posts }));
    });

    it("pages by keyset: every match once, ranked, at any page size", async () => {
      const ids = [];
      for (let i = 0; i < 9; i++) ids.push(await post(author, `zebra ${"zebra ".repeat(i % 3)}number ${i}`));
      const all = await allPosts(viewer, "zebra", 50);
      expect(new Set(all.map((p) => p.id))).toEqual(new Set(ids));
      for (let i = 1; i < all.length; i++)
        expect(Number(all[i - 1]!.rank)).toBeGreaterThanOrEqual(Number(all[i]!.rank));
      for (const limit of [1, 2, 4])
        expect((await allPosts(viewer, "zebra", limit)).map((p) => p.id)).toEqual(all.map((p) => p.id));
    });

    it("shows nothing the viewer may not see, nor muted authors' posts", async () => {
      const friendsOnly = await account("p_friends", "Friends");
      const privateOne = await account("p_private", "Private", { private: true });
      const blocker = await account("p_blocker", "Blocker");
      const muted = await account("p_muted", "Muted");
      const visible = await post(author, "needle in public");
      await post(friendsOnly, "needle for followers", "FOLLOWERS");
      await post(privateOne, "needle on a private account");
      await post(blocker, "needle by a blocker");
      await post(muted, "needle by a muted account");
      const gone = await post(author, "needle soon deleted");
      ok(await s.mutate(author, "DeletePost", { id: gone }));
      ok(await s.mutate(blocker, "Block", { uid: viewer }));
      ok(await s.mutate(viewer, "Mute", { uid: muted }));
      expect((await allPosts(viewer, "needle")).map((p) => p.id)).toEqual([visible]);
      expect((await allPosts(viewer, "needle")).map((p) => p.content)).toEqual(["needle in public"]);
    });
  });

  describe("hashtags", () => {
    let viewer = "";
    let author = "";
    beforeAll(async () => {
      viewer = await account("h_viewer", "Tag Viewer");
      author = await account("h_author", "Tag Author");
    });

    it("one page per tag whatever its case and accents, newest first, by keyset", async () => {
      const ids = [];
      for (const content of ["#Crème brûlée", "more #creme", "#CREME!", "not #cremes", "x#creme"])
        ids.push(await post(author, content));
      const expected = [ids[2], ids[1], ids[0]];
      for (const tag of ["creme", "#Crème", "CREME"])
        expect(await allTagged(viewer, tag, 50), tag).toEqual(expected);
      for (const limit of [1, 2]) expect(await allTagged(viewer, "creme", limit)).toEqual(expected);
      expect(await allTagged(viewer, "#")).toEqual([]);
    });

    it("filters tag pages like every other list: hidden, private, blocked, muted and deleted posts stay out", async () => {
      const privateOne = await account("h_private", "Private", { private: true });
      const blocker = await account("h_blocker", "Blocker");
      const muted = await account("h_muted", "Muted");
      const shown = await post(author, "#filtered public");
      await post(author, "#filtered friends", "FOLLOWERS");
      await post(privateOne, "#filtered private");
      await post(blocker, "#filtered blocker");
      await post(muted, "#filtered muted");
      ok(await s.mutate(author, "DeletePost", { id: await post(author, "#filtered deleted") }));
      ok(await s.mutate(blocker, "Block", { uid: viewer }));
      ok(await s.mutate(viewer, "Mute", { uid: muted }));
      expect(await allTagged(viewer, "filtered")).toEqual([shown]);
      // The author sees its own two, and the muted and blocking accounts' (neither is muted or blocked by it).
      expect(await allTagged(author, "filtered", 50)).toHaveLength(4);
    });

    it("trends by accounts, then posts, over the last 24 hours of what the viewer may see", async () => {
      const [a, b, c] = [await account("t_a", "A"), await account("t_b", "B"), await account("t_c", "C")];
      const hidden = await account("t_hidden", "H", { private: true });
      for (const who of [a, b]) await post(who, "#trendwide");
      await post(c, "\uff03TrendWide"); // a full-width number sign folds to "#"
      await post(c, "\ufe5ftrendlone"); // so does a small one
      for (let i = 0; i < 5; i++) await post(a, `#trendloud ${i}`);
      await post(b, "#trendloud");
      for (let i = 0; i < 9; i++) await post(hidden, `#trendsecret ${i}`);
      const old = await post(a, "#trendold");
      await sql(`UPDATE post SET created_at = now() - interval '25 hours' WHERE id = $1`, [old]);
      const tags = ok<{ tags: { tag: string; posts: number; authors: number }[] }>(
        await s.query(viewer, "TrendingHashtags", { limit: 50 }),
      ).tags.filter((t) => t.tag.startsWith("trend"));
      expect(tags).toEqual([
        { tag: "trendwide", posts: 3, authors: 3 },
        { tag: "trendloud", posts: 6, authors: 2 },
        { tag: "trendlone", posts: 1, authors: 1 },
      ]);
      const limited = ok<{ tags: unknown[] }>(await s.query(viewer, "TrendingHashtags", { limit: 1 })).tags;
      expect(limited).toHaveLength(1);
    });
  });
});
