import { describe, expect, it } from "vitest";
import { handleOf, profilePath, remember, resolveHandle } from "./handles.ts";

describe("profile handles", () => {
  it("links to /u/<username>, or /u/<uid> before one is chosen", () => {
    expect(profilePath({ uid: "abc123", username: "ada" })).toBe("/u/ada");
    expect(profilePath({ uid: "abc123", username: null })).toBe("/u/abc123");
    expect(handleOf({ uid: "abc123", username: "ada" })).toBe("@ada");
    expect(handleOf({ uid: "abc123" })).toBeNull();
  });

  it("resolves a username it has seen to its uid, case-insensitively", () => {
    remember("Grace", "uid-grace");
    expect(resolveHandle("grace")).toBe("uid-grace");
    expect(resolveHandle("GRACE")).toBe("uid-grace");
  });

  it("treats an unknown handle as a uid", () => {
    expect(resolveHandle("XyZ123")).toBe("XyZ123");
  });

  it("remembers across page loads", async () => {
    remember("linus", "uid-linus");
    await new Promise((r) => setTimeout(r, 600));
    expect(localStorage.getItem("rookery.handles")).toContain("uid-linus");
  });
});
