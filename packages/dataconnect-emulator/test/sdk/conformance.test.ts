// Every query and mutation feature through the official clients: the web SDK (`firebase/data-connect`,
// connector operations, end-user ID tokens) and firebase-admin (`executeGraphql`, impersonation), against
// the emulator's HTTP protocol and the real core. The in-process suites in test/engine pin the details.

import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import {
  connectDataConnectEmulator,
  type DataConnect,
  executeMutation,
  executeQuery,
  getDataConnect,
  mutationRef,
  QueryFetchPolicy,
  queryRef,
} from "firebase/data-connect";
import { deleteApp as deleteAdminApp, initializeApp as initializeAdminApp } from "firebase-admin/app";
import { getDataConnect as getAdminDataConnect } from "firebase-admin/data-connect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { dataconnectYaml, type TempDir, tempDir } from "../protocol/support/config-dir.ts";
import { openSharedDatabase, startEmulator } from "../protocol/support/emulator.ts";
import { emulatorIdToken } from "../protocol/support/tokens.ts";
import { signInWithIdToken } from "../protocol/support/web-auth.ts";

const SCHEMA = `
enum Genre { DRAMA COMEDY CRIME }
type User @table(key: "uid") { uid: String! name: String! }
type Movie @table {
  title: String!
  genre: Genre!
  rating: Float
  tags: [String!]
  releaseDate: Date
  createdAt: Timestamp! @default(expr: "request.time")
  views: Int64
  sequelTo: Movie
}
type Review @table(key: ["movie", "user"]) { movie: Movie! user: User! rating: Int! text: String }
`;

const OPERATIONS = `
query GetMovie($id: UUID!) @auth(level: PUBLIC) { movie(id: $id) { id title genre views releaseDate createdAt tags sequelTo { title } } }
query GetUser($uid: String!) @auth(level: PUBLIC) { user(key: {uid: $uid}) { name } }
query TopRated @auth(level: PUBLIC) { movie(first: {where: {rating: {isNull: false}}, orderBy: [{rating: DESC}]}) { title } }
query ListMovies($genre: Genre, $limit: Int, $offset: Int) @auth(level: PUBLIC) {
  movies(where: {genre: {eq: $genre}}, orderBy: [{title: ASC}], limit: $limit, offset: $offset) { title }
}
query Search($text: String!, $since: Date) @auth(level: PUBLIC) {
  movies(where: {_or: [{title: {contains: $text}}, {tags: {includes: $text}}], _not: {releaseDate: {lt: $since}}}, orderBy: {title: ASC}) { title }
}
query Recent @auth(level: PUBLIC) { movies(where: {createdAt: {ge_time: {now: true, sub: {hours: 1}}}}, orderBy: {title: ASC}) { title } }
query WithReviews($id: UUID!) @auth(level: PUBLIC) {
  movie(id: $id) { title reviews_on_movie(orderBy: [{rating: DESC}], limit: 1) { rating user { name } } reviewers: users_via_Review(orderBy: {userUid: ASC}) { ...UserName } }
}
fragment UserName on User { name }
query ReviewedBy($uid: String!) @auth(level: PUBLIC) {
  movies(where: {reviews_on_movie: {exist: {userUid: {eq: $uid}}}}, orderBy: {title: ASC}) { title }
  unreviewed: movies(where: {reviews_on_movie: {count: {eq: 0}}}) { title }
}
query GenreStats @auth(level: PUBLIC) { movies(orderBy: [{genre: ASC}], having: {_count: {ge: 1}}) { genre _count rating_avg rating_max } }
query NativeByGenre($genre: String!) @auth(level: USER) {
  _select(sql: "SELECT title, $2::text AS asked_by FROM movie WHERE genre::text = $1 ORDER BY title", params: [$genre, {_expr: "auth.uid"}])
}
query MyReviews @auth(level: USER) { reviews(where: {userUid: {eq_expr: "auth.uid"}}) { rating movie { title } } }
query Verified @auth(level: USER_EMAIL_VERIFIED) { users { uid } }
query Admins @auth(expr: "auth.token.role == 'admin'") { users(orderBy: {uid: ASC}) { uid } }
query Unguarded { users { uid } }
mutation Review($movie: UUID!, $rating: Int!) @auth(level: USER) {
  review_upsert(data: {movieId: $movie, userUid_expr: "auth.uid", rating: $rating})
}
mutation Rate($id: UUID!) @auth(level: USER) { movie_update(id: $id, data: {rating_update: [{inc: 0.5}], tags_update: [{append: ["rated"]}]}) }
mutation Retitle($id: UUID!, $title: String!) @auth(level: USER) @transaction {
  query @redact { reviews(where: {movieId: {eq: $id}, userUid: {eq_expr: "auth.uid"}}) @check(expr: "this.size() > 0", message: "only reviewers may retitle") { rating } }
  movie_update(id: $id, data: {title: $title})
}
mutation TwoUsers($a: String!, $b: String!) @auth(level: USER) @transaction {
  first: user_insert(data: {uid: $a, name: "A"})
  second: user_insert(data: {uid: $b, name: "B"})
}
mutation Forget @auth(level: USER) { review_deleteMany(where: {userUid: {eq_expr: "auth.uid"}}) }
`;

let db: Database;
let config: TempDir;
let emulator: RunningEmulator;
const apps: FirebaseApp[] = [];
const ids = {
  up: "6f1d0a3c-7b2e-4c1f-9a0b-1c2d3e4f5a6b",
  heat: "11111111-2222-4333-8444-555555555555",
  up2: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
};
const hex = (id: string) => id.replaceAll("-", "");

beforeAll(async () => {
  db = await openSharedDatabase();
  config = await tempDir({
    "dataconnect.yaml": dataconnectYaml("movies"),
    "schema/schema.gql": SCHEMA,
    "connector/connector.yaml": 'connectorId: "main"\n',
    "connector/operations.gql": OPERATIONS,
  });
  emulator = await startEmulator(config.dir, db);
  process.env.DATA_CONNECT_EMULATOR_HOST = `127.0.0.1:${emulator.addresses[0]!.port}`;
  process.env.METADATA_SERVER_DETECTION = "none";
  await db.exec(`
    INSERT INTO "user" (uid, name) VALUES ('ann', 'Ann'), ('bob', 'Bob');
    INSERT INTO movie (id, title, genre, rating, tags, release_date, views, sequel_to_id) VALUES
      ('${ids.up}', 'Up', 'DRAMA', 4.5, '{balloon}', '2009-05-29', 9007199254740993, NULL),
      ('${ids.heat}', 'Heat', 'CRIME', 4.8, '{}', '1995-12-15', 12, NULL),
      ('${ids.up2}', 'Up Again', 'DRAMA', NULL, NULL, NULL, NULL, '${ids.up}');
    INSERT INTO review (movie_id, user_uid, rating) VALUES ('${ids.up}', 'ann', 5), ('${ids.up}', 'bob', 3), ('${ids.heat}', 'bob', 4);`);
});
afterAll(async () => {
  await emulator.stop();
  await db.close();
  await config.remove();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
});

/** A web app on the emulator, signed in as `uid` (with extra `claims`) if given. */
function web(uid?: string, claims: Record<string, unknown> = {}): DataConnect {
  const app = initializeApp(
    { projectId: "demo-test", apiKey: "fake-api-key" },
    `conformance-${apps.length}-${Math.random()}`,
  );
  apps.push(app);
  if (uid) signInWithIdToken(app, uid, emulatorIdToken(uid, claims));
  const dc = getDataConnect(app, { connector: "main", service: "movies", location: "us-central1" });
  connectDataConnectEmulator(dc, "127.0.0.1", emulator.addresses[0]!.port);
  return dc;
}

const query = async (dc: DataConnect, name: string, vars?: Record<string, unknown>) =>
  (await executeQuery(queryRef(dc, name, vars), { fetchPolicy: QueryFetchPolicy.SERVER_ONLY }))
    .data as Record<string, unknown>;
const mutate = async (dc: DataConnect, name: string, vars?: Record<string, unknown>) =>
  (await executeMutation(mutationRef(dc, name, vars))).data as Record<string, unknown>;

describe("queries through the web SDK", () => {
  it("looks up by id and encodes UUID, Int64, Date, Timestamp, enums and lists", async () => {
    const data = await query(web(), "GetMovie", { id: ids.up });
    expect(data.movie).toEqual({
      id: hex(ids.up),
      title: "Up",
      genre: "DRAMA",
      views: "9007199254740993",
      releaseDate: "2009-05-29",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      tags: ["balloon"],
      sequelTo: null,
    });
  });

  it("looks up by key and by first, and answers null for no row", async () => {
    expect(await query(web(), "GetUser", { uid: "ann" })).toEqual({ user: { name: "Ann" } });
    expect(await query(web(), "GetUser", { uid: "nobody" })).toEqual({ user: null });
    expect(await query(web(), "TopRated")).toEqual({ movie: { title: "Heat" } });
  });

  it("lists with where, orderBy, limit and offset", async () => {
    expect(await query(web(), "ListMovies", { genre: "DRAMA" })).toEqual({
      movies: [{ title: "Up" }, { title: "Up Again" }],
    });
    expect(await query(web(), "ListMovies", { limit: 1, offset: 1 })).toEqual({ movies: [{ title: "Up" }] });
  });

  it("combines _or, _not, contains, list includes and relative time filters", async () => {
    expect(await query(web(), "Search", { text: "balloon", since: "2000-01-01" })).toEqual({
      movies: [{ title: "Up" }],
    });
    // SQL's three-valued logic: a NULL release date is neither before nor not before `since`.
    expect(await query(web(), "Search", { text: "Up", since: "1900-01-01" })).toEqual({
      movies: [{ title: "Up" }],
    });
    expect((await query(web(), "Recent")).movies).toHaveLength(3);
  });

  it("follows relations (forward, one-to-many with arguments, many-to-many) with fragments and aliases", async () => {
    expect(await query(web(), "WithReviews", { id: ids.up })).toEqual({
      movie: {
        title: "Up",
        reviews_on_movie: [{ rating: 5, user: { name: "Ann" } }],
        reviewers: [{ name: "Ann" }, { name: "Bob" }],
      },
    });
    expect((await query(web(), "GetMovie", { id: ids.up2 })).movie).toMatchObject({
      sequelTo: { title: "Up" },
    });
  });

  it("filters on relations with exist and count", async () => {
    expect(await query(web(), "ReviewedBy", { uid: "ann" })).toEqual({
      movies: [{ title: "Up" }],
      unreviewed: [{ title: "Up Again" }],
    });
  });

  it("aggregates and groups with having", async () => {
    expect(await query(web(), "GenreStats")).toEqual({
      movies: [
        { genre: "DRAMA", _count: 2, rating_avg: 4.5, rating_max: 4.5 },
        { genre: "CRIME", _count: 1, rating_avg: 4.8, rating_max: 4.8 },
      ],
    });
  });

  it("runs native _select with variables and auth.uid as params", async () => {
    expect(await query(web("bob"), "NativeByGenre", { genre: "DRAMA" })).toEqual({
      _select: [
        { title: "Up", asked_by: "bob" },
        { title: "Up Again", asked_by: "bob" },
      ],
    });
  });

  it("scopes rows to the signed-in user with eq_expr auth.uid", async () => {
    expect(await query(web("ann"), "MyReviews")).toEqual({
      reviews: [{ rating: 5, movie: { title: "Up" } }],
    });
  });
});

describe("@auth through the web SDK: break-in attempts", () => {
  it("refuses an operation without @auth with the pinned message", async () => {
    await expect(query(web("ann"), "Unguarded")).rejects.toThrow(
      "unauthorized: you are not authorized to perform this operation",
    );
  });

  it("refuses USER operations signed out and to anonymous accounts", async () => {
    await expect(query(web(), "MyReviews")).rejects.toMatchObject({ code: "unauthorized" });
    await expect(
      query(web("anon", { firebase: { sign_in_provider: "anonymous" } }), "MyReviews"),
    ).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("refuses USER_EMAIL_VERIFIED to an unverified email", async () => {
    await expect(query(web("ann", { email_verified: false }), "Verified")).rejects.toMatchObject({
      code: "unauthorized",
    });
    expect((await query(web("ann"), "Verified")).users).toHaveLength(2);
  });

  it("holds expr policies to the token's claims, which the client cannot forge through variables", async () => {
    await expect(query(web("ann"), "Admins", { role: "admin" })).rejects.toThrow(
      /unauthorized|not authorized/,
    );
    expect(await query(web("ann", { role: "admin" }), "Admins")).toEqual({
      users: [{ uid: "ann" }, { uid: "bob" }],
    });
  });

  it("refuses a mutation signed out before touching the database", async () => {
    await expect(mutate(web(), "Review", { movie: ids.heat, rating: 1 })).rejects.toMatchObject({
      code: "unauthorized",
    });
    expect(await db.query(`SELECT rating FROM review WHERE movie_id = '${ids.heat}'`)).toEqual([
      { rating: 4 },
    ]);
  });
});

describe("mutations through the web SDK", () => {
  it("upserts with server values and returns the key", async () => {
    expect(await mutate(web("ann"), "Review", { movie: ids.heat, rating: 2 })).toEqual({
      review_upsert: { movieId: hex(ids.heat), userUid: "ann" },
    });
    expect(await mutate(web("ann"), "Review", { movie: ids.heat, rating: 3 })).toEqual({
      review_upsert: { movieId: hex(ids.heat), userUid: "ann" },
    });
    expect(
      await db.query(`SELECT rating FROM review WHERE movie_id = '${ids.heat}' AND user_uid = 'ann'`),
    ).toEqual([{ rating: 3 }]);
  });

  it("applies update operators", async () => {
    await mutate(web("ann"), "Rate", { id: ids.up });
    expect(await db.query(`SELECT rating, tags FROM movie WHERE id = '${ids.up}'`)).toEqual([
      { rating: 5, tags: ["balloon", "rated"] },
    ]);
  });

  it("stops a non-reviewer with @check and leaks nothing of the redacted lookup", async () => {
    const error = await mutate(web("zed"), "Retitle", { id: ids.heat, title: "Cold" }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "partial-error" });
    expect(JSON.stringify((error as { response: unknown }).response)).toContain("only reviewers may retitle");
    expect(JSON.stringify((error as { response: unknown }).response)).not.toContain('"rating"');
    expect(await db.query(`SELECT title FROM movie WHERE id = '${ids.heat}'`)).toEqual([{ title: "Heat" }]);
    expect(await mutate(web("bob"), "Retitle", { id: ids.heat, title: "Heat (1995)" })).toEqual({
      movie_update: { id: hex(ids.heat) },
    });
  });

  it("rolls a @transaction back whole when a later field fails", async () => {
    const error = await mutate(web("ann"), "TwoUsers", { a: "carl", b: "ann" }).catch((e: unknown) => e);
    const response = (error as { response: { data: unknown; errors: { message: string }[] } }).response;
    expect(response.data).toEqual({ first: null, second: null });
    expect(response.errors[0]!.message).toMatch(/^\(rolled back\)/);
    expect(await db.query(`SELECT uid FROM "user" WHERE uid = 'carl'`)).toEqual([]);
  });

  it("deletes many of the caller's rows and returns the count", async () => {
    expect(await mutate(web("bob"), "Forget")).toEqual({ review_deleteMany: 2 });
  });
});

describe("firebase-admin", () => {
  const admin = initializeAdminApp({ projectId: "demo-test" }, `conformance-admin-${Math.random()}`);
  const dc = () =>
    getAdminDataConnect({ serviceId: "movies", location: "us-central1", connector: "main" }, admin);
  afterAll(() => deleteAdminApp(admin));

  it("runs ad-hoc queries with variables, bypassing @auth", async () => {
    const res = await dc().executeGraphql<{ users: { uid: string }[] }, unknown>(
      `query($n: Int) { users(limit: $n, orderBy: {uid: DESC}) { uid } }`,
      { variables: { n: 1 } },
    );
    expect(res.data).toEqual({ users: [{ uid: "bob" }] });
  });

  it("runs ad-hoc mutations and reads them back with executeGraphqlRead", async () => {
    await dc().executeGraphql(
      `mutation { user_insertMany(data: [{uid: "dee", name: "Dee"}, {uid: "eve", name: "Eve"}]) }`,
    );
    const res = await dc().executeGraphqlRead<{ users: unknown[] }, unknown>(
      `{ users(where: {uid: {in: ["dee", "eve"]}}, orderBy: {uid: ASC}) { name } }`,
    );
    expect(res.data).toEqual({ users: [{ name: "Dee" }, { name: "Eve" }] });
  });

  it("refuses a mutation on executeGraphqlRead", async () => {
    await expect(dc().executeGraphqlRead(`mutation { user_deleteMany(all: true) }`)).rejects.toMatchObject({
      code: "data-connect/permission-denied",
    });
  });

  it("holds impersonated callers to the operation's @auth", async () => {
    const asAnn = {
      impersonate: {
        authClaims: {
          sub: "ann",
          email_verified: true,
          firebase: { sign_in_provider: "password", identities: {} },
        },
      },
    };
    const res = await dc().executeGraphql<{ reviews: unknown[] }, unknown>(
      `query @auth(level: USER) { reviews(where: {userUid: {eq_expr: "auth.uid"}}) { rating } }`,
      asAnn,
    );
    expect(res.data.reviews.length).toBeGreaterThan(0);
    await expect(
      dc().executeGraphql(`query @auth(level: USER) { users { uid } }`, {
        impersonate: { unauthenticated: true },
      }),
    ).rejects.toMatchObject({ code: "data-connect/unauthenticated" });
  });

  it("reports a query error for a missing required variable", async () => {
    await expect(
      dc().executeGraphql(`query($uid: String!) { user(key: {uid: $uid}) { name } }`),
    ).rejects.toMatchObject({ code: "data-connect/query-error" });
  });
});
