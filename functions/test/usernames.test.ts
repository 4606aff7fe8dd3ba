import { describe, expect, it } from "vitest";
import { isValidUsername, usernameBase, usernameCandidates } from "../src/usernames/rules.ts";

describe("usernameBase", () => {
  it("folds the display name to lower-case ASCII words joined by underscores", () => {
    expect(usernameBase({ displayName: "Ada Lovelace" })).toBe("ada_lovelace");
    expect(usernameBase({ displayName: "  Zoë Straße-Øre!! " })).toBe("zoe_strasse_ore");
    expect(usernameBase({ displayName: "Łukasz Þór" })).toBe("lukasz_thor");
  });

  it("falls back to the email's local part, without a +tag, when the name gives nothing", () => {
    expect(usernameBase({ displayName: "🙂🙂", email: "grace.hopper+news@example.test" })).toBe(
      "grace_hopper",
    );
    expect(usernameBase({ email: "linus@example.test" })).toBe("linus");
  });

  it("pads a short or reserved result so that it is valid, and says rook when nothing is usable", () => {
    expect(usernameBase({ displayName: "Al" })).toBe("al_rook");
    expect(usernameBase({ displayName: "Admin" })).toBe("admin_rook");
    expect(usernameBase({ displayName: "東京", email: "東京@example.test" })).toBe("rook");
    expect(usernameBase({})).toBe("rook");
  });

  it("keeps room for a suffix: at most 20 characters, never ending in an underscore", () => {
    const base = usernameBase({ displayName: "Bartholomew Fitzgerald Longname" });
    expect(base.length).toBeLessThanOrEqual(20);
    expect(base).not.toMatch(/_$/);
  });

  it("always yields a valid username", () => {
    for (const displayName of ["Ada Lovelace", "x", "", "SUPPORT", "___", "a b c", "ÆØÅ", "null"])
      expect(isValidUsername(usernameBase({ displayName })), displayName).toBe(true);
  });
});

describe("usernameCandidates", () => {
  it("tries the base, then numeric suffixes of growing length, all valid", () => {
    const names = [...usernameCandidates("ada", () => 0.5)];
    expect(names[0]).toBe("ada");
    expect(names.slice(1).map((n) => n.length - 3)).toEqual([2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
    for (const name of [...usernameCandidates("a_twenty_char_base_x")])
      expect(isValidUsername(name)).toBe(true);
  });
});

describe("isValidUsername", () => {
  it("accepts 3–30 letters, digits and underscores that are not reserved, whatever their case", () => {
    expect(isValidUsername("Ada_1")).toBe(true);
    for (const bad of ["ab", "x".repeat(31), "a-b", "zoë", "ROOT", "Settings"])
      expect(isValidUsername(bad), bad).toBe(false);
  });
});
