// The home feed on the demo graph: articles with their toggles, infinite scroll, explore, bookmarks.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { DEMO, newContext, screenshot, signIn } from "./support/browser.ts";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchChromium();
  page = await (await newContext(browser)).newPage();
  await signIn(page, DEMO.email, DEMO.password);
});
afterAll(() => browser?.close());

const homeFeed = () => page.getByRole("feed", { name: "Home feed" });

describe("the home feed", () => {
  it("shows articles with the post text, the author's name, Like and Bookmark toggles and Repost", async () => {
    await homeFeed().getByRole("article").first().waitFor();
    await screenshot(page, "home-feed");
    const article = homeFeed().getByRole("article").first();
    await expect(article.getByRole("button", { name: "Like" }).getAttribute("aria-pressed")).resolves.toMatch(
      /^(true|false)$/,
    );
    await expect(
      article.getByRole("button", { name: "Bookmark" }).getAttribute("aria-pressed"),
    ).resolves.toMatch(/^(true|false)$/);
    await expect(article.getByRole("button", { name: "Repost" }).isVisible()).resolves.toBe(true);
    const text = await article.locator(".post-text").innerText();
    expect(text.trim().length).toBeGreaterThan(0);
    const author = await article.locator(".author").first().innerText();
    expect(author).toMatch(/^[A-Z][a-z]+ \d+$/); // demo names: "Grace 1"
  });

  it("loads the next page when scrolled to the end, without repeating a post", async () => {
    const articles = homeFeed().getByRole("article");
    const before = await articles.count();
    expect(before).toBe(20);
    await articles.last().scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[role="feed"] > article').length > n,
      before,
      { timeout: 20_000 },
    );
    await articles.last().scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[role="feed"] > article').length > n,
      before + 20,
      { timeout: 20_000 },
    );
    const ids = await page.$$eval('[role="feed"] > article .time-link', (links) =>
      links.map((l) => l.getAttribute("href")),
    );
    expect(ids.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("likes a post at once and keeps the like after a reload", async () => {
    await page.goto("/");
    const article = homeFeed().getByRole("article").nth(1);
    const like = article.getByRole("button", { name: "Like" });
    const href = await article.locator(".time-link").first().getAttribute("href");
    const was = (await like.getAttribute("aria-pressed")) === "true";
    await like.click();
    await expect.poll(() => like.getAttribute("aria-pressed")).toBe(String(!was));
    // The server has it: a fresh load of the thread shows the same state.
    await expect.poll(() => like.getAttribute("aria-busy")).toBe("false");
    await page.goto(href!);
    const main = page.getByRole("article").first();
    await page.waitForFunction(
      ([expected]) =>
        document.querySelector('article button[aria-label="Like"]')?.getAttribute("aria-pressed") ===
        expected,
      [String(!was)],
      { timeout: 10_000 },
    );
    // Undo, so the demo graph is as it was.
    await main.getByRole("button", { name: "Like" }).click();
    await expect
      .poll(() => main.getByRole("button", { name: "Like" }).getAttribute("aria-pressed"))
      .toBe(String(was));
    await expect
      .poll(() => main.getByRole("button", { name: "Like" }).getAttribute("aria-busy"))
      .toBe("false");
  });

  it("moves between posts with Page Down and Page Up", async () => {
    await page.goto("/");
    const articles = homeFeed().getByRole("article");
    await articles.first().focus();
    await page.keyboard.press("PageDown");
    await expect(articles.nth(1).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press("PageUp");
    await expect(articles.nth(0).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  });
});

describe("bookmarks", () => {
  it("bookmarking a post lists it on the Bookmarks page; removing it there takes it away", async () => {
    await page.goto("/");
    const article = homeFeed().getByRole("article").nth(2);
    const text = (await article.locator(".post-text").innerText()).trim();
    const bookmark = article.getByRole("button", { name: "Bookmark" });
    if ((await bookmark.getAttribute("aria-pressed")) === "true") {
      await bookmark.click();
      await expect.poll(() => bookmark.getAttribute("aria-busy")).toBe("false");
    }
    await bookmark.click();
    await expect.poll(() => bookmark.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => bookmark.getAttribute("aria-busy")).toBe("false");
    await page.getByRole("navigation").getByRole("link", { name: "Bookmarks" }).click();
    const saved = page
      .getByRole("feed", { name: "Bookmarks" })
      .getByRole("article")
      .filter({ hasText: text });
    await saved.first().waitFor();
    await screenshot(page, "bookmarks");
    const before = await saved.count();
    await saved.first().getByRole("button", { name: "Bookmark" }).click();
    // Gone from the list once the server has it, and still gone after a reload.
    await expect.poll(() => saved.count()).toBe(before - 1);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Bookmarks" }).waitFor();
    // The list has answered (not "the network is idle": the unread badge's Firestore listener never is).
    await page
      .getByText("No bookmarks yet")
      .or(page.getByRole("feed", { name: "Bookmarks" }).getByRole("article").first())
      .waitFor();
    await expect.poll(() => saved.count()).toBe(before - 1);
  });
});

describe("explore", () => {
  it("shows everyone's public posts and suggestions of whom to follow", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Explore" }).click();
    await page.getByRole("feed", { name: "Explore feed" }).getByRole("article").first().waitFor();
    await page.getByRole("complementary").getByRole("heading", { name: "Who to follow" }).waitFor();
    await page
      .getByRole("list", { name: "Suggested accounts" })
      .first()
      .getByRole("listitem")
      .first()
      .waitFor();
    await screenshot(page, "explore");
  });
});
