import { describe, expect, it } from "vitest";
import { foldText, hashtagKey, splitSocialText, tagPath } from "./tags.ts";

const tagsIn = (text: string) => splitSocialText(text).flatMap((p) => (p.kind === "hashtag" ? [p.tag] : []));
const mentionsIn = (text: string) =>
  splitSocialText(text).flatMap((p) => (p.kind === "mention" ? [p.username] : []));

describe("foldText", () => {
  it("removes case, accents and compatibility forms as the server does", () => {
    expect(foldText("Zoë Ångström")).toBe("zoe angstrom");
    expect(foldText("Straße Œuvre Łódź")).toBe("strasse oeuvre lodz");
    expect(foldText("ＲＯＯＫ")).toBe("rook");
  });
});

describe("hashtagKey", () => {
  it("folds what was typed, with or without the number sign", () => {
    expect(hashtagKey("#Café")).toBe("cafe");
    expect(hashtagKey("café")).toBe("cafe");
    expect(hashtagKey("＃ＲＯＯＫ")).toBe("rook");
  });

  it("refuses what the server never treats as a tag", () => {
    expect(hashtagKey("#2024")).toBeNull(); // all digits
    expect(hashtagKey("#__")).toBeNull(); // all underscores
    expect(hashtagKey("#")).toBeNull();
    expect(hashtagKey(`#${"a".repeat(65)}`)).toBeNull(); // too long: not a tag at all
    expect(hashtagKey("#a-b")).toBeNull();
  });
});

describe("splitSocialText", () => {
  it("finds hashtags and mentions and keeps every character of the text", () => {
    const text = "Hello @Ada_L, see #Rust and #Café!";
    const pieces = splitSocialText(text);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    expect(tagsIn(text)).toEqual(["rust", "cafe"]);
    expect(mentionsIn(text)).toEqual(["ada_l"]);
  });

  it("does not take a number sign glued to a word, URL or character entity for a tag", () => {
    expect(tagsIn("a#b example.com/#top &#38; C#")).toEqual([]);
  });

  it("does not take an email address for a mention, nor handles of the wrong length", () => {
    expect(mentionsIn(`ann@example.com @ab @abc @${"x".repeat(31)}`)).toEqual(["abc"]);
  });

  it("answers one text piece for text without tags or mentions", () => {
    expect(splitSocialText("plain words")).toEqual([{ kind: "text", text: "plain words" }]);
    expect(splitSocialText("")).toEqual([{ kind: "text", text: "" }]);
  });

  it("keeps quotes and angle brackets after a tag out of it", () => {
    expect(tagsIn('#tag"><img src=x onerror=alert(1)>')).toEqual(["tag"]);
    expect(mentionsIn("@ada<script>")).toEqual(["ada"]);
  });
});

describe("tagPath", () => {
  it("links the folded tag, encoded", () => {
    expect(tagPath("#Café")).toBe("/tag/cafe");
    expect(tagPath("#東京")).toBe(`/tag/${encodeURIComponent("東京")}`);
  });
});
