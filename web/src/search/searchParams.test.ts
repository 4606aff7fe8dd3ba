import { describe, expect, it } from "vitest";
import { hashtagQuery, normalizeQuery, searchPath, searchTab } from "./searchParams.ts";

describe("normalizeQuery", () => {
  it("trims, collapses whitespace and cuts to what the server reads", () => {
    expect(normalizeQuery("  ada \n  lovelace ")).toBe("ada lovelace");
    expect(normalizeQuery(null)).toBe("");
    expect(normalizeQuery("x".repeat(500))).toHaveLength(200);
  });
});

describe("searchTab", () => {
  it("shows the tab the URL names", () => {
    expect(searchTab(new URLSearchParams("q=ada&tab=people"))).toBe("people");
    expect(searchTab(new URLSearchParams("q=@ada&tab=posts"))).toBe("posts");
  });

  it("shows People for a handle and Posts otherwise, whatever an unknown tab says", () => {
    expect(searchTab(new URLSearchParams("q=%40ada"))).toBe("people");
    expect(searchTab(new URLSearchParams("q=rust"))).toBe("posts");
    expect(searchTab(new URLSearchParams("q=rust&tab=<script>"))).toBe("posts");
  });
});

describe("searchPath", () => {
  it("encodes the query, round-tripping through URLSearchParams", () => {
    const path = searchPath(' "a phrase" -not & #tag ', "posts");
    const params = new URL(path, "http://x").searchParams;
    expect(params.get("q")).toBe('"a phrase" -not & #tag');
    expect(params.get("tab")).toBe("posts");
  });
});

describe("hashtagQuery", () => {
  it("recognises a query that is one hashtag", () => {
    expect(hashtagQuery(" #Café ")).toBe("Café");
    expect(hashtagQuery("#rust lang")).toBeNull();
    expect(hashtagQuery("rust")).toBeNull();
  });
});
