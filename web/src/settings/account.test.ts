import { describe, expect, it } from "vitest";
import { exportBlob, exportFileName, needsRecentSignIn } from "./account.ts";

describe("exportFileName", () => {
  it("names the file after the account and the UTC day", () => {
    expect(exportFileName("ada_l", new Date("2026-12-06T23:59:59Z"))).toBe("rookery-ada_l-2026-12-06.json");
  });

  it("keeps only safe characters of the handle (a uid or odd name cannot make a path)", () => {
    expect(exportFileName("../../etc/passwd", new Date("2026-01-02T00:00:00Z"))).toBe(
      "rookery-______etc_passwd-2026-01-02.json",
    );
    expect(exportFileName("", new Date("2026-01-02T00:00:00Z"))).toBe("rookery-account-2026-01-02.json");
  });
});

describe("exportBlob", () => {
  it("is the archive as JSON that parses back to it", async () => {
    const archive = { format: "rookery-account-export/1", posts: [{ content: 'a "quoted" <b>post</b>' }] };
    const blob = exportBlob(archive);
    expect(blob.type).toBe("application/json");
    expect(JSON.parse(await blob.text())).toEqual(archive);
  });
});

describe("needsRecentSignIn", () => {
  it("recognises the deletion's refusal of an old sign-in, and nothing else", () => {
    expect(needsRecentSignIn({ code: "functions/failed-precondition" })).toBe(true);
    expect(needsRecentSignIn({ code: "functions/permission-denied" })).toBe(false);
    expect(needsRecentSignIn(new Error("x"))).toBe(false);
  });
});
