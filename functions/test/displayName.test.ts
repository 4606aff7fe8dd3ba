import { describe, expect, it } from "vitest";
import { initialDisplayName, MAX_DISPLAY_NAME } from "../src/auth/displayName.ts";

describe("initialDisplayName", () => {
  it("keeps the provider's display name, trimmed", () => {
    expect(initialDisplayName({ displayName: "  Ada Lovelace ", email: "ada@example.test" })).toBe(
      "Ada Lovelace",
    );
  });

  it("falls back to the email's local part", () => {
    expect(initialDisplayName({ displayName: null, email: "grace@example.test" })).toBe("grace");
  });

  it("treats a blank display name as missing", () => {
    expect(initialDisplayName({ displayName: "   ", email: "linus@example.test" })).toBe("linus");
  });

  it("uses a placeholder when there is neither name nor email (anonymous accounts)", () => {
    expect(initialDisplayName({})).toBe("New rook");
  });

  it("treats a name of invisible characters as no name (the social graph would refuse it)", () => {
    expect(initialDisplayName({ displayName: "\u200b\u3000", email: "grace@example.test" })).toBe("grace");
    expect(initialDisplayName({ displayName: "\ufeff" })).toBe("New rook");
  });

  it("never exceeds the stored maximum", () => {
    expect(initialDisplayName({ displayName: "x".repeat(500) })).toHaveLength(MAX_DISPLAY_NAME);
  });
});
