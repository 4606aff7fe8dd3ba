import { describe, expect, it } from "vitest";
import { compileSchema } from "../../src/schema/compileSchema.ts";
import type { SchemaModel } from "../../src/schema/model.ts";

function model(text: string): SchemaModel {
  const result = compileSchema([{ path: "schema/schema.gql", text }]);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.model;
}

function errors(text: string) {
  const result = compileSchema([{ path: "schema/schema.gql", text }]);
  if (result.ok) throw new Error("expected the schema to fail");
  return result.errors;
}

describe("tables", () => {
  it("names the table in snake_case, the fields in lowerCamel singular and English plural", () => {
    const t = model("type MovieMetadata @table { title: String! }").tables[0]!;
    expect(t).toMatchObject({ name: "movie_metadata", singular: "movieMetadata", plural: "movieMetadatas" });
  });

  it("honours @table(name, singular, plural)", () => {
    const t = model(
      `type Person @table(name: "people_tbl", singular: "person", plural: "people") { name: String! }`,
    ).tables[0]!;
    expect(t).toMatchObject({ name: "people_tbl", singular: "person", plural: "people" });
  });

  it("adds an implicit id: UUID! key defaulting to uuidV4()", () => {
    const t = model("type Movie @table { title: String! }").tables[0]!;
    expect(t.keyFields).toEqual(["id"]);
    expect(t.columns[0]).toMatchObject({
      field: "id",
      sqlType: "uuid",
      nonNull: true,
      explicit: false,
      default: { kind: "expr", expr: "uuidV4()" },
    });
  });

  it("accepts a single string as key and maps every scalar to its Postgres type", () => {
    const t = model(`type S @table(key: "k") {
      k: String! i: Int f: Float b: Boolean d: Date ts: Timestamp i64: Int64 u: UUID a: Any l: [Int!]
    }`).tables[0]!;
    expect(t.keyFields).toEqual(["k"]);
    expect(Object.fromEntries(t.columns.map((c) => [c.field, c.sqlType]))).toEqual({
      k: "text",
      i: "integer",
      f: "double precision",
      b: "boolean",
      d: "date",
      ts: "timestamptz",
      i64: "bigint",
      u: "uuid",
      a: "jsonb",
      l: "integer[]",
    });
  });

  it("honours @col(name, dataType)", () => {
    const t = model(`type T @table { code: String! @col(name: "the_code", dataType: "varchar(30)") }`)
      .tables[0]!;
    expect(t.columns.find((c) => c.field === "code")).toMatchObject({
      column: "the_code",
      sqlType: "varchar(30)",
    });
  });
});

describe("relations", () => {
  const schema = `
    type User @table(key: "uid") { uid: String! }
    type Movie @table { title: String! sequelTo: Movie }
    type Review @table(key: ["movie", "user"]) { movie: Movie! user: User! rating: Int! }`;

  it("adds FK fields named relation + target key field, with the relation's nullability", () => {
    const m = model(schema);
    const review = m.tables.find((t) => t.typeName === "Review")!;
    expect(
      review.columns.filter((c) => !c.explicit).map((c) => [c.field, c.column, c.sqlType, c.nonNull]),
    ).toEqual([
      ["movieId", "movie_id", "uuid", true],
      ["userUid", "user_uid", "text", true],
    ]);
    const movie = m.tables.find((t) => t.typeName === "Movie")!;
    expect(movie.columns.find((c) => c.field === "sequelToId")).toMatchObject({
      column: "sequel_to_id",
      nonNull: false,
    });
  });

  it("names FK constraints {table}_{columns}_fkey; required refs cascade, optional ones set null", () => {
    const m = model(schema);
    const review = m.tables.find((t) => t.typeName === "Review")!;
    expect(review.relations.map((r) => [r.constraintName, r.onDelete])).toEqual([
      ["review_movie_id_fkey", "CASCADE"],
      ["review_user_uid_fkey", "CASCADE"],
    ]);
    expect(m.tables.find((t) => t.typeName === "Movie")!.relations[0]).toMatchObject({
      constraintName: "movie_sequel_to_id_fkey",
      onDelete: "SET NULL",
    });
  });

  it("expands relation keys into the FK columns of a composite primary key", () => {
    expect(model(schema).tables.find((t) => t.typeName === "Review")!.keyFields).toEqual([
      "movieId",
      "userUid",
    ]);
  });

  it("treats a @unique relation as one-to-one", () => {
    const m = model(
      `type User @table { name: String! } type Profile @table { user: User! @unique bio: String }`,
    );
    expect(m.tables.find((t) => t.typeName === "Profile")!.relations[0]!.unique).toBe(true);
  });
});

describe("indexes", () => {
  it("names field indexes {table}_{column}_idx and unique ones _uidx", () => {
    const t = model(`type Post @table { slug: String! @unique authorName: String @index }`).tables[0]!;
    expect(t.indexes.map((i) => [i.name, i.unique])).toEqual([
      ["post_slug_uidx", true],
      ["post_author_name_idx", false],
    ]);
  });

  it("builds composite indexes with their order and GIN for lists", () => {
    const t = model(`type Post @table @index(fields: ["authorName", "createdAt"], order: [ASC, DESC]) {
      authorName: String! createdAt: Timestamp! tags: [String!] @index }`).tables[0]!;
    expect(t.indexes).toEqual([
      {
        name: "post_author_name_created_at_ad_idx",
        columns: ["author_name", "created_at"],
        order: ["ASC", "DESC"],
        method: "BTREE",
        unique: false,
      },
      { name: "post_tags_idx", columns: ["tags"], method: "GIN", unique: false },
    ]);
  });
});

describe("errors a person can act on", () => {
  it("reports syntax errors with file, line and column", () => {
    expect(errors("type Movie @table {\n  title String!\n}")).toEqual([
      { message: expect.stringContaining('Expected ":"'), file: "schema/schema.gql", line: 2, column: 9 },
    ]);
  });

  it("reports unknown directives and types where they are", () => {
    expect(errors("type Movie @table @cached { title: String! }")[0]).toMatchObject({
      message: 'Unknown directive "@cached".',
      line: 1,
      column: 19,
    });
    expect(errors("type Movie @table {\n  title: Strin!\n}")[0]).toMatchObject({
      message: "field Movie.title has unknown type Strin",
      line: 2,
      column: 3,
    });
  });

  it("reports a bad directive argument", () => {
    expect(errors(`type Movie @table(key: 3) { title: String! }`)[0]!.message).toBe(
      'Argument "key" has invalid value 3.',
    );
  });

  it("rejects types without @table or @view and keys naming missing fields", () => {
    expect(errors("type Movie { title: String! }")[0]!.message).toBe("type Movie needs @table or @view");
    expect(errors(`type Movie @table(key: "slug") { title: String! }`)[0]!.message).toMatch(
      /names slug, which is not a field/,
    );
  });

  it("rejects lists of tables with a hint at the reverse relation", () => {
    expect(
      errors("type User @table { name: String! } type Team @table { members: [User!]! }")[0]!.message,
    ).toMatch(/declare the relation on User/);
  });

  it("rejects @default with more than one kind", () => {
    expect(errors(`type T @table { n: Int @default(value: 1, sql: "2") }`)[0]!.message).toMatch(
      /exactly one of value, expr or sql/,
    );
  });
});
