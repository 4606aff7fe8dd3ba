import { describe, expect, it } from "vitest";
import { normalizeUsername, usernameProblem, usernameRefusal } from "./username.ts";

describe("normalizeUsername", () => {
  it("trims and lower-cases what was typed", () => {
    expect(normalizeUsername("  Ada_Lovelace ")).toBe("ada_lovelace");
  });
});

describe("usernameProblem", () => {
  it("accepts what the server accepts", () => {
    expect(usernameProblem("ada_lovelace_1815")).toBeNull();
  });

  it("refuses reserved names whatever their case, as the server would", () => {
    expect(usernameProblem("Settings")).toBe("That username is reserved.");
    expect(usernameProblem("search")).toBe("That username is reserved.");
  });

  it("refuses the wrong length or characters", () => {
    expect(usernameProblem("ab")).toMatch(/3 to 30/);
    expect(usernameProblem("x".repeat(31))).toMatch(/3 to 30/);
    expect(usernameProblem("zoë_a")).toMatch(/letters, digits and underscores/);
  });
});

describe("usernameRefusal", () => {
  it("says a username is taken for the server's check and for the unique index", () => {
    expect(usernameRefusal(new Error("that username is taken"))).toBe("That username is taken.");
    expect(usernameRefusal(new Error('duplicate key value violates unique constraint "user_username"'))).toBe(
      "That username is taken.",
    );
  });

  it("passes any other refusal on as it is described", () => {
    expect(usernameRefusal(new Error("display name too long"))).not.toBe("That username is taken.");
  });
});
