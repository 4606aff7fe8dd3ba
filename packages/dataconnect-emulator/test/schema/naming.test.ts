import { describe, expect, it } from "vitest";
import { lowerFirst, pluralize, snakeCase } from "../../src/schema/naming.ts";

describe("snakeCase", () => {
  it.each([
    ["MovieMetadata", "movie_metadata"],
    ["createdAt", "created_at"],
    ["HTTPLog", "http_log"],
    ["userId2", "user_id2"],
    ["uid", "uid"],
  ])("%s → %s", (input, output) => expect(snakeCase(input)).toBe(output));
});

describe("pluralize", () => {
  it.each([
    ["movie", "movies"],
    ["category", "categories"],
    ["movieMetadata", "movieMetadatas"],
    ["box", "boxes"],
    ["match", "matches"],
    ["day", "days"],
  ])("%s → %s", (input, output) => expect(pluralize(input)).toBe(output));
});

it("lowerFirst makes the singular field name", () => {
  expect(lowerFirst("MovieMetadata")).toBe("movieMetadata");
});
