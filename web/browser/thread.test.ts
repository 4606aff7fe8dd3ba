// Posting in depth: threads with replies and nested comments, quotes, reposts, deleting, and Markdown
// that renders safely in a real browser.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { newContext, screenshot, signUp } from "./support/browser.ts";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchChromium();
  page = await (await newContext(browser)).newPage();
  await signUp(page, "Barbara Thread");
});
afterAll(() => browser?.close());

const homeFeed = () => page.getByRole("feed", { name: "Home feed" });

/** Posts `text` from the home composer and returns its article. */
async function post(text: string, visible: string) {
  await page.goto("/");
  await page.getByRole("textbox", { name: "New post" }).fill(text);
  await page.getByRole("button", { name: "Post", exact: true }).click();
  const article = homeFeed().getByRole("article").filter({ hasText: visible }).first();
  await article.waitFor();
  return article;
}

describe("the composer", () => {
  it("counts characters down and refuses a post over the limit", async () => {
    await page.goto("/");
    const box = page.getByRole("textbox", { name: "New post" });
    await box.fill("12345");
    await page.getByText("4995 characters left").waitFor();
    await box.fill("x".repeat(5001));
    await page.getByText("1 characters over the limit").waitFor();
    await expect(page.getByRole("button", { name: "Post", exact: true }).isDisabled()).resolves.toBe(true);
    await box.fill("");
  });
});

describe("Markdown in a post", () => {
  it("formats text and renders scripts, javascript: links and HTML inert", async () => {
    const article = await post(
      "**bold** and [safe](https://example.com) <script>window.__pwned = 1</script> " +
        "[evil](javascript:window.__pwned=2) <img src=x onerror=window.__pwned=3>",
      "bold",
    );
    await expect(article.locator("strong").first().textContent()).resolves.toBe("bold");
    const safe = article.getByRole("link", { name: "safe" });
    await expect(safe.getAttribute("href")).resolves.toBe("https://example.com");
    await expect(safe.getAttribute("rel")).resolves.toContain("noopener");
    // The script and the image are text, not elements.
    await expect(article.locator("script, img").count()).resolves.toBe(0);
    await expect(article.innerText()).resolves.toContain("<script>window.__pwned = 1</script>");
    // The javascript: link keeps its text and loses its target.
    await expect(article.getByRole("link", { name: "evil" }).count()).resolves.toBe(0);
    await article.getByText("evil").click();
    await expect(page.evaluate(() => (window as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
  });
});

describe("a thread", () => {
  it("shows the post with its replies and comments, answers nested under their comment", async () => {
    const article = await post("What should we build next?", "What should we build next?");
    await article.locator(".time-link").click();
    await page.getByRole("heading", { level: 1, name: "Post" }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/p\/[0-9a-f]{32}$/);

    await page.getByRole("textbox", { name: "Your reply" }).fill("A web app, obviously.");
    await page.getByRole("button", { name: "Reply", exact: true }).click();
    const replies = page.getByRole("region", { name: "Replies" });
    await replies.getByRole("article").filter({ hasText: "A web app, obviously." }).waitFor();

    await page.getByRole("textbox", { name: "Add a comment" }).fill("Search, please.");
    await page.getByRole("button", { name: "Comment", exact: true }).click();
    const comments = page.getByRole("list", { name: "Comments" });
    const comment = comments.getByRole("listitem").filter({ hasText: "Search, please." }).first();
    await comment.waitFor();
    await comment.getByRole("button", { name: "Answer" }).click();
    await page.getByRole("textbox", { name: "Answer Barbara Thread" }).fill("Seconded!");
    await page.getByRole("button", { name: "Answer", exact: true }).last().click();
    const answers = comment.getByRole("list", { name: "Answers to Barbara Thread" });
    await answers.getByRole("listitem").filter({ hasText: "Seconded!" }).waitFor();
    await screenshot(page, "thread");

    // The reply counts on the post.
    await page.reload();
    await page
      .getByRole("article")
      .first()
      .getByText(/^1 replies$/)
      .waitFor({ state: "attached" });
  });
});

describe("quotes and reposts", () => {
  it("quotes a post in a dialog; the quote shows the quoted post", async () => {
    const original = await post("Quotable words.", "Quotable words.");
    await original.getByRole("button", { name: "Quote" }).click();
    const dialog = page.getByRole("dialog", { name: /Quote Barbara Thread/ });
    await dialog.getByRole("textbox", { name: "Your quote" }).fill("So true.");
    await screenshot(page, "quote-dialog");
    await dialog.getByRole("button", { name: "Post quote" }).click();
    await dialog.waitFor({ state: "hidden" });
    const quote = homeFeed().getByRole("article").filter({ hasText: "So true." }).first();
    await quote.waitFor();
    await quote.locator(".embed").getByText("Quotable words.").waitFor();
  });

  it("reposts a post (pressed), takes the repost back, and shows a repost in the feed", async () => {
    const original = await post("Worth sharing.", "Worth sharing.");
    const repost = original.getByRole("button", { name: "Repost" });
    await repost.click();
    await expect.poll(() => repost.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => repost.getAttribute("aria-busy")).toBe("false");
    await repost.click();
    await expect.poll(() => repost.getAttribute("aria-pressed")).toBe("false");
    await expect.poll(() => repost.getAttribute("aria-busy")).toBe("false");
    await repost.click();
    await expect.poll(() => repost.getAttribute("aria-busy")).toBe("false");
    await page.reload();
    const banner = homeFeed().getByRole("article").filter({ hasText: "Barbara Thread reposted" });
    await banner.first().getByText("Worth sharing.").waitFor();
    await expect(banner.count()).resolves.toBe(1);
    await screenshot(page, "home-with-repost-and-quote");
  });

  it("deletes one's own post after confirming", async () => {
    const article = await post("A post I regret.", "A post I regret.");
    await article.getByRole("button", { name: "Delete" }).click();
    await article.getByRole("button", { name: "Delete this post" }).click();
    await page.getByRole("status").filter({ hasText: "Post deleted." }).waitFor();
    await expect
      .poll(() => homeFeed().getByRole("article").filter({ hasText: "A post I regret." }).count())
      .toBe(0);
  });
});
