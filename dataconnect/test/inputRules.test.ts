// Input rules (sql/030_input_rules.sql and the operations' @checks): blank text in every Unicode
// disguise, usernames, avatar URLs. Each rule is checked twice: the operation refuses with a clear
// message, and the database refuses the same value written past the operations. On PGlite and on a
// PostgreSQL server (their regular expressions must agree).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, ok, type Social, social } from "./support.ts";

// Every Unicode White_Space character, and the invisible zero-width ones a blank post could hide behind.
const BLANKS = [
  "\t", "\n", "\v", "\f", "\r", " ", "\u0085", "\u00a0", "\u1680", "\u180e",
  ...Array.from({ length: 0x200d - 0x2000 + 1 }, (_, i) => String.fromCodePoint(0x2000 + i)),
  "\u2028", "\u2029", "\u202f", "\u205f", "\u2060", "\u3000", "\ufeff",
]; // biome-ignore format: one list of characters
const VISIBLE = ["a", " a ", "\u00a0x\u3000", "🚀", "日本", "\u200bok", "-", "\u0301"];

describe.each(BACKENDS)("input rules (%s)", (backend) => {
  let s: Social;
  let post = "";
  beforeAll(async () => {
    s = await social({ backend });
    await s.users("ann", "bob");
    post = ok<{ post_insert: { id: string } }>(await s.mutate("ann", "CreatePost", { content: "target" }))
      .post_insert.id;
  });
  afterAll(() => s.close());

  const messages = (res: { errors?: { message: string }[] }) => (res.errors ?? []).map((e) => e.message);
  const blankTexts = [...BLANKS, BLANKS.join(""), "\n\t", " \u00a0 \u2003 "];

  it("refuses posts, replies, quotes, comments and edits made only of Unicode whitespace", async () => {
    for (const content of blankTexts)
      expect(messages(await s.mutate("ann", "CreatePost", { content })), JSON.stringify(content)).toContain(
        "a post needs some content",
      );
    // The other operations share the check: a few disguises each.
    for (const content of ["\n\t", "\u00a0\u3000", "\u200b\ufeff", BLANKS.join("")]) {
      const label = JSON.stringify(content);
      expect(messages(await s.mutate("bob", "Reply", { to: post, content })), label).toContain(
        "a reply needs some content",
      );
      expect(messages(await s.mutate("bob", "Quote", { of: post, content })), label).toContain(
        "a quote needs some content",
      );
      expect(messages(await s.mutate("bob", "AddComment", { post, content })), label).toContain(
        "a comment needs some content",
      );
      expect(messages(await s.mutate("ann", "EditPost", { id: post, content })), label).toContain(
        "a post needs some content",
      );
    }
    const [row] = await s.db.query<{ posts: number; comments: number }>(
      `SELECT (SELECT count(*)::int FROM post) AS posts, (SELECT count(*)::int FROM comment) AS comments`,
    );
    expect(row).toEqual({ posts: 1, comments: 0 });
  });

  it("accepts text with any visible character, however much whitespace surrounds it", async () => {
    for (const content of VISIBLE) ok(await s.mutate("ann", "CreatePost", { content }));
  });

  it("the database agrees with the operations' check on every character", async () => {
    for (const text of [...blankTexts, ...VISIBLE]) {
      const [row] = await s.db.query<{ ok: boolean }>(`SELECT has_visible_text($1) AS ok`, [text]);
      expect(row!.ok, JSON.stringify(text)).toBe(VISIBLE.includes(text));
    }
    const direct = await s.db
      .query(`INSERT INTO post (author_uid, content) VALUES ('ann', $1)`, ["\u3000\u200b"])
      .catch((e: Error) => e);
    expect(String(direct)).toMatch(/post_content_not_blank/);
  });

  it("validates usernames: 3–30 letters, digits or underscores", async () => {
    for (const username of ["", "ab", "a b", "ann!", "ánn", "x".repeat(31), "ann\n", "<script>"])
      expect(
        messages(await s.mutate("ann", "UpdateMyProfile", { username })),
        JSON.stringify(username),
      ).toContain("a username is 3 to 30 letters, digits or underscores");
    ok(await s.mutate("ann", "UpdateMyProfile", { username: "Ann_1" }));
    const direct = await s.db
      .query(`UPDATE "user" SET username = '' WHERE uid = 'bob'`)
      .catch((e: Error) => e);
    expect(String(direct)).toMatch(/user_username_format/);
  });

  it("keeps usernames unique whatever their case", async () => {
    const taken = await s.mutate("bob", "UpdateMyProfile", { username: "ANN_1" });
    expect(taken.errors?.map((e) => e.message)).toContain("that username is taken");
    // Whatever reaches the database (a race past the check): the index refuses it.
    const raw = await s.db
      .query(`UPDATE "user" SET username = 'ANN_1' WHERE uid = 'bob'`)
      .catch((e: Error) => e);
    expect(String(raw)).toMatch(/user_username_lower_uidx/);
    ok(await s.mutate("bob", "UpdateMyProfile", { username: "bob" }));
    // Changing the case of one's own name is fine.
    ok(await s.mutate("ann", "UpdateMyProfile", { username: "ANN_1" }));
  });

  it("accepts only https: avatar URLs, and http: on the loopback host", async () => {
    const bad = [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "data:image/png;base64,AAAA",
      "file:///etc/passwd",
      "//evil.example/x.png",
      "http://evil.example/x.png",
      "https://",
      "https://exa mple.com/x.png",
      "https://example.com/x.png\njavascript:alert(1)",
      "ftp://example.com/x.png",
    ];
    for (const avatarUrl of bad) {
      expect(messages(await s.mutate("ann", "UpdateMyProfile", { avatarUrl })), avatarUrl).toContain(
        "an avatar URL must be https: (or http: on localhost)",
      );
      expect(
        messages(await s.mutate("ann", "UpsertMe", { displayName: "Ann", avatarUrl })),
        avatarUrl,
      ).toContain("an avatar URL must be https: (or http: on localhost)");
    }
    for (const avatarUrl of [
      "https://cdn.example.com/a.png?size=64#x",
      "http://127.0.0.1:9199/v0/b/demo/o/a.png",
      "http://localhost:5000/a.png",
      null,
    ])
      ok(await s.mutate("ann", "UpdateMyProfile", { avatarUrl }));
    const direct = await s.db
      .query(`UPDATE "user" SET avatar_url = 'javascript:alert(1)' WHERE uid = 'bob'`)
      .catch((e: Error) => e);
    expect(String(direct)).toMatch(/user_avatar_url_safe/);
  });

  it("refuses a blank display name", async () => {
    expect(messages(await s.mutate("ann", "UpdateMyProfile", { displayName: "\u2003" }))).toContain(
      "a display name needs some text",
    );
  });
});
