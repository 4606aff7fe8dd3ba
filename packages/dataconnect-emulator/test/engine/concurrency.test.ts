import { describe, expect, it } from "vitest";
import { engine, user } from "../support/engine.ts";

const SCHEMA = `
type Post @table(key: "slug") { slug: String! likeCount: Int! @default(value: 0) }
type Like @table(key: ["post", "uid"]) { post: Post! uid: String! }`;
const OPS = `
mutation Like($slug: String!) @auth(level: USER) @transaction {
  like_insert(data: {post: {slug: $slug}, uid_expr: "auth.uid"})
  post_update(key: {slug: $slug}, data: {likeCount_update: {inc: 1}})
}`;

describe("concurrency", () => {
  it("50 concurrent clients incrementing one counter inside @transaction end exact", async () => {
    const e = await engine(SCHEMA, OPS);
    await e.sql(`INSERT INTO post (slug) VALUES ('hot')`);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => e.mutate("Like", { slug: "hot" }, user(`u${i}`))),
    );
    expect(results.filter((r) => r.errors).length).toBe(0);
    expect(await e.sql(`SELECT like_count FROM post`)).toEqual([{ like_count: 50 }]);
    expect(await e.sql(`SELECT count(*)::int AS n FROM "like"`)).toEqual([{ n: 50 }]);
  });

  it("duplicate composite-key inserts under concurrency leave one row and one count", async () => {
    const e = await engine(SCHEMA, OPS);
    await e.sql(`INSERT INTO post (slug) VALUES ('dup')`);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => e.mutate("Like", { slug: "dup" }, user("same"))),
    );
    expect(results.filter((r) => !r.errors).length).toBe(1);
    for (const failed of results.filter((r) => r.errors)) {
      expect(failed.errors?.find((x) => x.path?.[0] === "like_insert")?.extensions?.code).toBe(
        "ALREADY_EXISTS",
      );
    }
    expect(await e.sql(`SELECT like_count FROM post`)).toEqual([{ like_count: 1 }]);
  });

  it("malformed inputs get errors and the service keeps serving", async () => {
    const e = await engine(SCHEMA, OPS);
    await e.sql(`INSERT INTO post (slug) VALUES ('ok')`);
    const bad = [
      e.mutate("Like", { slug: 42 }, user("a")),
      e.mutate("Like", {}, user("a")),
      e.mutate("Like", { slug: "missing-post" }, user("a")),
      e.gql(`mutation { post_insert(data: {slug: null}) }`),
      e.gql(`mutation { post_update(key: {}, data: {}) }`),
      e.gql(`{ posts(limit: "ten") { slug } }`),
    ];
    for (const res of await Promise.all(bad)) expect(res.errors?.length).toBeGreaterThan(0);
    expect((await e.mutate("Like", { slug: "ok" }, user("a"))).errors).toBeUndefined();
  });
});
