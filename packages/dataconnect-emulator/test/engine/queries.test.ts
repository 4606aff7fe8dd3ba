import { beforeAll, describe, expect, it } from "vitest";
import { type EngineFixture, engine } from "../support/engine.ts";

const MOVIES = `
type User @table(key: "uid") { uid: String! displayName: String! }
type Movie @table {
  title: String!
  genre: String @index
  rating: Float
  tags: [String!]
  releaseDate: Date
  createdAt: Timestamp! @default(expr: "request.time")
  views: Int64
  sequelTo: Movie
}
type Review @table(key: ["movie", "user"]) { movie: Movie! user: User! rating: Int! text: String }
`;

describe("queries", () => {
  let e: EngineFixture;
  const ids = {
    up: "6f1d0a3c-7b2e-4c1f-9a0b-1c2d3e4f5a6b",
    heat: "11111111-2222-4333-8444-555555555555",
    up2: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
  };

  beforeAll(async () => {
    e = await engine(MOVIES);
    await e.sql(`INSERT INTO "user" (uid, display_name) VALUES ('ann', 'Ann'), ('bob', 'Bob')`);
    await e.sql(
      `INSERT INTO movie (id, title, genre, rating, tags, release_date, created_at, views, sequel_to_id) VALUES
       ($1, 'Up', 'family', 4.8, '{pixar,balloon}', '2009-05-29', '2024-01-01T10:00:00Z', 9007199254740993, NULL),
       ($2, 'Heat', 'crime', 4.5, '{}', '1995-12-15', '2024-01-02T10:00:00.5Z', 12, NULL),
       ($3, 'Up 2', 'family', NULL, NULL, NULL, '2024-01-03T10:00:00Z', NULL, $1)`,
      [ids.up, ids.heat, ids.up2],
    );
    await e.sql(
      `INSERT INTO review (movie_id, user_uid, rating, text) VALUES ($1, 'ann', 5, 'lovely'), ($1, 'bob', 3, NULL), ($2, 'ann', 4, 'tense')`,
      [ids.up, ids.heat],
    );
  });

  it("looks a row up by id and encodes UUIDs as 32 hex digits", async () => {
    const data = await e.data(`query($id: UUID!) { movie(id: $id) { id title } }`, { id: ids.up });
    expect(data).toEqual({ movie: { id: ids.up.replaceAll("-", ""), title: "Up" } });
  });

  it("accepts UUIDs without dashes, in upper case or as urn:uuid", async () => {
    for (const id of [ids.up.replaceAll("-", ""), ids.up.toUpperCase(), `urn:uuid:${ids.up}`]) {
      expect(await e.data(`query($id: UUID!) { movie(id: $id) { title } }`, { id })).toEqual({
        movie: { title: "Up" },
      });
    }
  });

  it("answers null for a key that matches nothing", async () => {
    expect(await e.data(`{ movie(id: "00000000-0000-4000-8000-000000000000") { title } }`)).toEqual({
      movie: null,
    });
  });

  it("looks a row up by a String key", async () => {
    expect(await e.data(`{ user(key: {uid: "ann"}) { uid displayName } }`)).toEqual({
      user: { uid: "ann", displayName: "Ann" },
    });
  });

  it("encodes Int64 as a string, Date as YYYY-MM-DD and Timestamp as RFC 3339 UTC", async () => {
    const data = await e.data<{ movie: Record<string, unknown> }>(
      `query($id: UUID!) { movie(id: $id) { views releaseDate createdAt rating tags } }`,
      { id: ids.up },
    );
    expect(data.movie).toEqual({
      views: "9007199254740993",
      releaseDate: "2009-05-29",
      createdAt: "2024-01-01T10:00:00.000000Z",
      rating: 4.8,
      tags: ["pixar", "balloon"],
    });
  });

  it("lists rows filtered, ordered and limited", async () => {
    const data = await e.data(
      `{ movies(where: {genre: {eq: "family"}}, orderBy: [{title: DESC}], limit: 5) { title } }`,
    );
    expect(data).toEqual({ movies: [{ title: "Up 2" }, { title: "Up" }] });
  });

  it("follows a many-to-one relation and its reverse one-to-many", async () => {
    const data = await e.data<{ movie: unknown }>(
      `query($id: UUID!) { movie(id: $id) { title sequelTo { title } reviews_on_movie(orderBy: [{rating: DESC}]) { rating user { displayName } } } }`,
      { id: ids.up2 },
    );
    expect(data.movie).toEqual({ title: "Up 2", sequelTo: { title: "Up" }, reviews_on_movie: [] });
    const up = await e.data<{ movie: unknown }>(
      `query($id: UUID!) { movie(id: $id) { sequelTo { title } reviews_on_movie(orderBy: [{rating: DESC}]) { rating user { displayName } } } }`,
      { id: ids.up },
    );
    expect(up.movie).toEqual({
      sequelTo: null,
      reviews_on_movie: [
        { rating: 5, user: { displayName: "Ann" } },
        { rating: 3, user: { displayName: "Bob" } },
      ],
    });
  });

  it("reads many-to-many fields through a join table", async () => {
    const data = await e.data(
      `{ user(key: {uid: "ann"}) { movies_via_Review(orderBy: [{rating: DESC}]) { title } } }`,
    );
    expect(data).toEqual({ user: { movies_via_Review: [{ title: "Up" }, { title: "Heat" }] } });
  });

  it("filters on a relation with exist and on counts", async () => {
    const some = await e.data(`{ movies(where: {reviews_on_movie: {exist: {rating: {ge: 5}}}}) { title } }`);
    expect(some).toEqual({ movies: [{ title: "Up" }] });
    const none = await e.data(`{ movies(where: {reviews_on_movie: {count: {eq: 0}}}) { title } }`);
    expect(none).toEqual({ movies: [{ title: "Up 2" }] });
    const two = await e.data(`{ movies(where: {reviews_on_movie: {count: {ge: 2}}}) { title } }`);
    expect(two).toEqual({ movies: [{ title: "Up" }] });
  });

  it("aggregates the whole table when only aggregates are selected", async () => {
    const data = await e.data(`{ movies { _count rating_avg rating_max views_sum } }`);
    expect(data).toEqual({
      movies: [{ _count: 3, rating_avg: 4.65, rating_max: 4.8, views_sum: "9007199254741005" }],
    });
  });

  it("groups by the plain fields selected next to aggregates, with having and ordering", async () => {
    const data = await e.data(
      `{ movies(orderBy: [{genre: ASC}], having: {_count: {ge: 1}}) { genre _count } }`,
    );
    expect(data).toEqual({
      movies: [
        { genre: "crime", _count: 1 },
        { genre: "family", _count: 2 },
      ],
    });
    const filtered = await e.data(`{ movies(having: {_count: {gt: 1}}) { genre count: _count } }`);
    expect(filtered).toEqual({ movies: [{ genre: "family", count: 2 }] });
  });

  it("supports aliases, fragments and variables together", async () => {
    const data = await e.data(
      `query($g: String) { fam: movies(where: {genre: {eq: $g}}, orderBy: {title: ASC}) { ...M } }
       fragment M on Movie { name: title }`,
      { g: "family" },
    );
    expect(data).toEqual({ fam: [{ name: "Up" }, { name: "Up 2" }] });
  });

  it("runs native _select with params", async () => {
    const sql = `SELECT title FROM "${e.pgSchema}".movie WHERE genre = $1 ORDER BY title`;
    const data = await e.data<{ _select: unknown[] }>(`{ _select(sql: """${sql}""", params: ["family"]) }`);
    expect(data._select).toEqual([{ title: "Up" }, { title: "Up 2" }]);
  });
});
