// Search, hashtags and trending: people by an accent-insensitive name prefix, posts by a word (never a
// stranger's followers-only post), a #tag in a post opening its page, and the trending box.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { mutateAs, newContext, screenshot, signUp } from "./support/browser.ts";

let browser: Browser;
let zoe: Page;
let quinn: Page;
let sam: Page;
// Unique per run, letters only (one word for the search, one tag for the tag page).
const run = Date.now()
  .toString(36)
  .replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)] ?? "x");
const word = `marmalade${run}`;
const tag = `Quokka${run}`;

beforeAll(async () => {
  browser = await launchChromium();
  zoe = await (await newContext(browser)).newPage();
  quinn = await (await newContext(browser)).newPage();
  sam = await (await newContext(browser)).newPage();
  await signUp(zoe, "Zoë Ångström");
  await signUp(quinn, "Quinn Query");
  await signUp(sam, "Sam Stranger");
});
afterAll(() => browser?.close());

async function post(page: Page, text: string) {
  await page.goto("/");
  await page.getByRole("textbox", { name: "New post" }).fill(text);
  await page.getByRole("button", { name: "Post", exact: true }).click();
  await page.getByRole("feed", { name: "Home feed" }).getByText(text.slice(0, 30)).first().waitFor();
}

/** Searches through the layout's search box, as a person would. */
async function search(page: Page, query: string) {
  const box = page.getByRole("search").getByRole("searchbox", { name: "Search" });
  await box.fill(query);
  await box.press("Enter");
  await page.waitForURL(/\/search\?/);
}

describe("search", () => {
  beforeAll(async () => {
    await post(zoe, `Spreading ${word} on toast #${tag}`);
    // Sam's followers-only post has the same word: Quinn does not follow Sam, so must never see it.
    await mutateAs(sam, "CreatePost", { content: `Secret ${word} for followers`, visibility: "FOLLOWERS" });
    await post(sam, `Public toast talk #${tag}`);
  });

  it("finds a person by the start of their display name, whatever the accents and case", async () => {
    await quinn.goto("/");
    await search(quinn, "zoe ANG");
    await quinn.getByRole("tab", { name: "People" }).click();
    const people = quinn.getByRole("list", { name: "People matching zoe ANG" });
    await people.getByRole("link", { name: "Zoë Ångström" }).waitFor();
    expect(new URL(quinn.url()).searchParams.get("tab")).toBe("people");
  });

  it("finds a post by a word, and not a stranger's followers-only post with that word", async () => {
    // A new search from the search screen stays on the tab shown (People, from the test before).
    await search(quinn, word);
    await expect.poll(() => new URL(quinn.url()).searchParams.get("q")).toBe(word);
    expect(await quinn.getByRole("tab", { name: "People" }).getAttribute("aria-selected")).toBe("true");
    await quinn.getByRole("tab", { name: "Posts" }).click();
    await expect
      .poll(() => quinn.getByRole("tab", { name: "Posts" }).getAttribute("aria-selected"))
      .toBe("true");
    const results = quinn.getByRole("feed", { name: `Posts matching ${word}` });
    await results.getByRole("article").filter({ hasText: "Spreading" }).waitFor();
    expect(await results.getByRole("article").count()).toBe(1);
    expect(await quinn.getByText("Secret").count()).toBe(0);
    await screenshot(quinn, "search");
  });

  it("shows the followers-only post to its author", async () => {
    await search(sam, word);
    const results = sam.getByRole("feed", { name: `Posts matching ${word}` });
    await results.getByRole("article").filter({ hasText: "Secret" }).waitFor();
  });

  it("says so when nothing matches", async () => {
    await search(quinn, `nothing${run}matches`);
    await quinn.getByRole("tab", { name: "Posts" }).click();
    await quinn.getByText("No posts found").waitFor();
    await quinn.getByRole("tab", { name: "People" }).click();
    await quinn.getByText("Nobody found").waitFor();
  });
});

describe("hashtags", () => {
  it("opens a tag's page from a #tag in a post, with the posts that carry it", async () => {
    await quinn.goto("/explore");
    const article = quinn
      .getByRole("feed", { name: "Explore feed" })
      .getByRole("article")
      .filter({ hasText: "Spreading" });
    await article.getByRole("link", { name: `#${tag}` }).click();
    const key = tag.toLowerCase();
    await quinn.waitForURL(`**/tag/${key}`);
    await quinn.getByRole("heading", { level: 1, name: `#${key}` }).waitFor();
    const feed = quinn.getByRole("feed", { name: `Posts tagged #${key}` });
    await feed.getByRole("article").filter({ hasText: "Spreading" }).waitFor();
    await feed.getByRole("article").filter({ hasText: "Public toast talk" }).waitFor();
    await screenshot(quinn, "tag");
  });

  it("links an @mention to the profile", async () => {
    await post(quinn, `Hello @${await usernameOf(zoe)}, nice toast`);
    await quinn.getByRole("feed", { name: "Home feed" }).getByRole("link", { name: /^@/ }).first().click();
    await quinn.getByRole("heading", { level: 1, name: "Zoë Ångström" }).waitFor();
  });

  it("shows a tag just used in Trending, linking to its page", async () => {
    await quinn.goto("/explore");
    const trending = quinn.getByRole("region", { name: "Trending" });
    const link = trending.getByRole("link", { name: `#${tag.toLowerCase()}` });
    await expect
      .poll(async () => {
        if (await link.count()) return true;
        await quinn.reload();
        return false;
      })
      .toBe(true);
    await link.click();
    await quinn.waitForURL(`**/tag/${tag.toLowerCase()}`);
  });
});

/** The username of the page's account, from its own profile URL. */
async function usernameOf(page: Page): Promise<string> {
  await expect
    .poll(async () => {
      await page.goto("/me");
      await page.waitForURL(/\/u\//);
      return decodeURIComponent(new URL(page.url()).pathname.slice(3));
    })
    .toMatch(/^[a-z0-9_]{3,30}$/);
  return decodeURIComponent(new URL(page.url()).pathname.slice(3));
}

describe("on a phone", () => {
  it("opens search from the navigation, with its own box, nothing wider than the screen", async () => {
    const phone = await (await newContext(browser, { width: 390, height: 844 })).newPage();
    await signUp(phone, "Pat Phone");
    await expect(phone.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
      390,
    );
    await phone.getByRole("navigation").getByRole("link", { name: "Search" }).click();
    await phone.getByRole("heading", { level: 1, name: "Search" }).waitFor();
    await search(phone, "zoë");
    await phone.getByRole("tab", { name: "People" }).click();
    await phone
      .getByRole("list", { name: "People matching zoë" })
      .getByRole("link", { name: "Zoë Ångström" })
      .waitFor();
    await expect(phone.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
      390,
    );
    await screenshot(phone, "phone-search");
    await phone.context().close();
  });
});
