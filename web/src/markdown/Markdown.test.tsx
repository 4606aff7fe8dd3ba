import { cleanup, render } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { isAppLink, Markdown, safeUrl } from "./Markdown.tsx";

afterEach(cleanup);

const renderPost = (text: string) => render(<Markdown text={text} />).container;

describe("Markdown", () => {
  it("formats emphasis, lists and code", () => {
    const html = renderPost("**bold** _it_ `code`\n\n- one\n- two").innerHTML;
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>it</em>");
    expect(html).toContain("<code>code</code>");
    expect(html).toMatch(/<li>one<\/li>/);
  });

  it("shows a <script> as text and never creates the element", () => {
    const post = renderPost("hi <script>window.__pwned = 1</script>");
    expect(post.querySelector("script")).toBeNull();
    expect(post.textContent).toContain("<script>window.__pwned = 1</script>");
  });

  it("shows raw HTML with event handlers as text", () => {
    const post = renderPost('<img src=x onerror="window.__pwned=1"> <a href="javascript:alert(1)">x</a>');
    expect(post.querySelector("img, a")).toBeNull();
    expect(post.textContent).toContain("onerror");
  });

  it("drops the target of javascript:, vbscript: and data: links, keeping their text", () => {
    for (const href of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "vbscript:x",
      "data:text/html,<b>x</b>",
    ]) {
      const post = renderPost(`[click me](${href})`);
      expect(post.querySelector("a"), href).toBeNull();
      expect(post.textContent).toContain("click me");
    }
  });

  it("opens web links in a new tab without the opener, marked as user content", () => {
    const link = renderPost("[docs](https://example.com/a?b=1)").querySelector("a")!;
    expect(link.getAttribute("href")).toBe("https://example.com/a?b=1");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toBe("noopener noreferrer nofollow ugc");
  });

  it("links bare URLs", () => {
    expect(renderPost("see https://rookery.test/x").querySelector("a")?.getAttribute("href")).toBe(
      "https://rookery.test/x",
    );
  });

  it("shows images as links, so a post cannot load a tracking pixel", () => {
    const post = renderPost("![a cat](https://example.com/cat.png)");
    expect(post.querySelector("img")).toBeNull();
    expect(post.querySelector("a")?.textContent).toBe("a cat");
  });

  it("turns headings into bold lines, keeping the page's outline", () => {
    const post = renderPost("# Big news");
    expect(post.querySelector("h1, h2, h3, h4, h5, h6")).toBeNull();
    expect(post.querySelector("strong")?.textContent).toBe("Big news");
  });
});

describe("safeUrl", () => {
  it("keeps http, https, mailto and relative URLs", () => {
    expect(safeUrl("https://a.test/")).toBe("https://a.test/");
    expect(safeUrl("http://a.test/")).toBe("http://a.test/");
    expect(safeUrl("mailto:ada@a.test")).toBe("mailto:ada@a.test");
    expect(safeUrl("/u/ada")).toBe("/u/ada");
  });

  it("empties every other protocol", () => {
    for (const url of [
      "javascript:alert(1)",
      " javascript:alert(1)",
      "data:text/html,x",
      "file:///etc/passwd",
      "irc:x",
    ]) {
      expect(safeUrl(url), url).toBe("");
    }
  });
});

describe("hashtags and mentions", () => {
  const routed = (text: string) =>
    render(
      <MemoryRouter>
        <Markdown text={text} />
      </MemoryRouter>,
    ).container;

  it("links #tags to their page and @mentions to the profile, in place (no new tab)", () => {
    const post = routed("Ask @Ada_L about #Café");
    const links = [...post.querySelectorAll("a")];
    expect(links.map((a) => [a.textContent, a.getAttribute("href")])).toEqual([
      ["@Ada_L", "/u/ada_l"],
      ["#Café", "/tag/cafe"],
    ]);
    for (const link of links) expect(link.getAttribute("target")).toBeNull();
  });

  it("leaves code, link text, URLs and email addresses alone", () => {
    const post = routed("`#notatag` [see #this](https://a.test/#frag) https://a.test/#x ann@example.com");
    const hrefs = [...post.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["https://a.test/#frag", "https://a.test/#x", "mailto:ann@example.com"]);
    expect(post.querySelector("code")?.textContent).toBe("#notatag");
  });

  it("keeps markup typed after a tag or a mention as text, never as elements or attributes", () => {
    const post = routed('#tag"><img src=x onerror="window.__pwned=1"> @ada" onmouseover="alert(1)');
    expect(post.querySelector("img")).toBeNull();
    const links = [...post.querySelectorAll("a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["/tag/tag", "/u/ada"]);
    // The router's Link may add data-discover; nothing the post typed becomes an attribute.
    for (const link of links)
      expect(link.getAttributeNames().filter((n) => n !== "data-discover")).toEqual(["href"]);
    expect(post.querySelector("[onerror], [onmouseover]")).toBeNull();
    expect(post.textContent).toContain('onerror="window.__pwned=1"');
  });

  it("does not treat a user's own relative link that is not a tag or profile as the app's", () => {
    const post = renderPost("[x](//evil.test/u/ada) [y](/settings)");
    for (const link of post.querySelectorAll("a")) expect(link.getAttribute("target")).toBe("_blank");
  });

  it("renders tag links without a router too (plain links)", () => {
    expect(renderPost("#rust").querySelector("a")?.getAttribute("href")).toBe("/tag/rust");
  });
});

describe("isAppLink", () => {
  it("accepts only one-segment tag and profile paths", () => {
    expect(isAppLink("/tag/rust")).toBe(true);
    expect(isAppLink("/u/ada")).toBe(true);
    for (const href of [
      "//evil.test/u/ada",
      "/tag/a/b",
      "/u/",
      "/tag/x?y",
      "https://a.test/u/ada",
      "/u/a\\b",
    ]) {
      expect(isAppLink(href), href).toBe(false);
    }
  });
});
