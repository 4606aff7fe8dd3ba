// The remaining screens and the frame around them: drafts (offline-first, synced through Firestore),
// notifications, an unknown URL, keyboard use, and the phone layout.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import {
  DEMO,
  firestoreDocuments,
  newContext,
  screenshot,
  signIn,
  signUp,
  uidOf,
  uniqueEmail,
} from "./support/browser.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe("drafts", () => {
  let page: Page;
  beforeAll(async () => {
    page = await (await newContext(browser)).newPage();
    await signUp(page, "Dora Drafts");
  });

  it("keeps what was typed in the composer as a draft, even offline", async () => {
    await page.getByRole("textbox", { name: "New post" }).fill("Half a thought");
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    const drafts = page.getByRole("list", { name: "Drafts" });
    await drafts.getByRole("listitem").filter({ hasText: "Half a thought" }).waitFor();
    await drafts.getByRole("listitem").getByRole("button", { name: "Delete" }).click();
    await page.getByText("No drafts").waitFor();
    // The connection drops; the app, already loaded, needs none to keep what is typed.
    await page.context().setOffline(true);
    await page.getByRole("navigation").getByRole("link", { name: "Home" }).click();
    await page.getByRole("textbox", { name: "New post" }).fill("Half a thought, typed offline");
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    const draft = drafts.getByRole("listitem").filter({ hasText: "Half a thought, typed offline" });
    await draft.waitFor();
    await expect(draft.getByRole("button", { name: "Publish" }).isVisible()).resolves.toBe(true);
    await expect(draft.getByRole("button", { name: "Delete" }).isVisible()).resolves.toBe(true);
    await page.getByRole("status").filter({ hasText: "Saved on this device" }).waitFor();
    await screenshot(page, "drafts");
    await page.context().setOffline(false);
  });

  it("resumes a draft in the composer", async () => {
    const draft = page.getByRole("list", { name: "Drafts" }).getByRole("listitem").first();
    await draft.getByRole("button", { name: "Edit" }).click();
    await expect
      .poll(() => page.getByRole("textbox", { name: "New post" }).inputValue())
      .toBe("Half a thought, typed offline");
  });

  it("publishes a draft as one post, clicked twice quickly, and removes it from the list", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    const draft = page.getByRole("list", { name: "Drafts" }).getByRole("listitem").first();
    await draft.getByRole("button", { name: "Publish" }).dblclick();
    await page.getByRole("status").filter({ hasText: "Draft published." }).first().waitFor();
    await expect.poll(() => page.getByRole("list", { name: "Drafts" }).getByRole("listitem").count()).toBe(0);
    await expect
      .poll(async () => (await firestoreDocuments(`users/${await uidOf(page)}/drafts`)).length)
      .toBe(0);
    await page.getByRole("navigation").getByRole("link", { name: "Home" }).click();
    const published = page
      .getByRole("feed", { name: "Home feed" })
      .getByRole("article")
      .filter({ hasText: "Half a thought, typed offline" });
    await published.first().waitFor();
    // The feed as the server answers it now, not as this page cached it: one post.
    await page.reload();
    await published.first().waitFor();
    expect(await published.count()).toBe(1);
  });

  it("publishes a draft once when two tabs publish it at the same moment", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Home" }).click();
    await page.getByRole("textbox", { name: "New post" }).fill("Published from two tabs");
    await page.waitForTimeout(800); // the autosave has written the draft
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    const otherTab = await page.context().newPage();
    await otherTab.goto("/drafts");
    const publishIn = (tab: Page) =>
      tab
        .getByRole("list", { name: "Drafts" })
        .getByRole("listitem")
        .filter({ hasText: "Published from two tabs" })
        .getByRole("button", { name: "Publish" });
    await Promise.all([publishIn(page).waitFor(), publishIn(otherTab).waitFor()]);
    // Both tabs click at once. One publish can finish before the other tab's click lands (its draft
    // is gone from the list by then, so that click has nothing to press): what must hold is at least
    // one click and exactly one post, whichever way the race goes.
    const clicks = await Promise.allSettled([
      publishIn(page).click({ timeout: 5000 }),
      publishIn(otherTab).click({ timeout: 5000 }),
    ]);
    expect(clicks.some((click) => click.status === "fulfilled")).toBe(true);
    for (const tab of [page, otherTab]) {
      await expect
        .poll(() => tab.getByRole("list", { name: "Drafts" }).getByRole("listitem").count())
        .toBe(0);
    }
    await otherTab.close();
    await page.goto("/");
    const published = page
      .getByRole("feed", { name: "Home feed" })
      .getByRole("article")
      .filter({ hasText: "Published from two tabs" });
    await published.first().waitFor();
    expect(await published.count()).toBe(1);
  });

  it("deletes a draft", async () => {
    await page.getByRole("textbox", { name: "New post" }).fill("Never mind");
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    const draft = page
      .getByRole("list", { name: "Drafts" })
      .getByRole("listitem")
      .filter({ hasText: "Never mind" });
    await draft.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => draft.count()).toBe(0);
    await page.getByText("No drafts").waitFor();
  });

  it("removes the draft of a post once it is posted", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Home" }).click();
    await page.getByRole("textbox", { name: "New post" }).fill("Posted straight away");
    await page.waitForTimeout(800); // the autosave has written the draft
    await page.getByRole("button", { name: "Post", exact: true }).click();
    await page.getByRole("feed", { name: "Home feed" }).getByText("Posted straight away").waitFor();
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    await page.getByText("No drafts").waitFor();
  });
});

describe("drafts in Firestore", () => {
  it("reach another device of the same account", async () => {
    const email = uniqueEmail("sync");
    const laptop = await (await newContext(browser)).newPage();
    await signUp(laptop, "Sync Person", email);
    const uid = await uidOf(laptop);
    await laptop.getByRole("textbox", { name: "New post" }).fill("Started on the laptop");
    await laptop.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    await laptop.getByRole("list", { name: "Drafts" }).getByText("Started on the laptop").waitFor();
    // Synced: the notice about drafts kept on this device goes away, and the server has the draft.
    await expect.poll(() => laptop.getByText("on this device").count()).toBe(0);
    await expect
      .poll(async () => (await firestoreDocuments(`users/${uid}/drafts`)).map((d) => d.content))
      .toEqual(["Started on the laptop"]);
    const phone = await (await newContext(browser, { width: 390, height: 844 })).newPage();
    await signIn(phone, email, "correct-horse-battery");
    await phone.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    await phone.getByRole("list", { name: "Drafts" }).getByText("Started on the laptop").waitFor();
    await screenshot(phone, "phone-drafts-synced");
    await Promise.all([laptop.context().close(), phone.context().close()]);
  });

  it("written offline sync when the connection comes back", async () => {
    const email = uniqueEmail("offline");
    const page = await (await newContext(browser)).newPage();
    await signUp(page, "Offline Person", email);
    await page.getByRole("textbox", { name: "New post" }).fill("warming up");
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    await page.getByRole("list", { name: "Drafts" }).getByText("warming up").waitFor();
    await page.context().setOffline(true);
    await page.getByRole("navigation").getByRole("link", { name: "Home" }).click();
    await page.getByRole("textbox", { name: "New post" }).fill("Written in a tunnel");
    await page.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    await page.getByRole("list", { name: "Drafts" }).getByText("Written in a tunnel").waitFor();
    await page.getByRole("status").filter({ hasText: "Saved on this device" }).waitFor();
    await screenshot(page, "drafts-offline");
    await page.context().setOffline(false);
    await expect.poll(() => page.getByText("on this device").count(), { timeout: 45_000 }).toBe(0);

    const other = await (await newContext(browser)).newPage();
    await signIn(other, email, "correct-horse-battery");
    await other.getByRole("navigation").getByRole("link", { name: "Drafts" }).click();
    await other.getByRole("list", { name: "Drafts" }).getByText("Written in a tunnel").waitFor();
    await Promise.all([page.context().close(), other.context().close()]);
  });
});

describe("other screens", () => {
  it("has a notifications screen (its list, or what will arrive there) and a page-not-found screen", async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, DEMO.email, DEMO.password);
    await page.getByRole("navigation").getByRole("link", { name: "Notifications" }).click();
    await page.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
    // The demo account may have been liked or followed by other tests' accounts meanwhile.
    await page
      .getByText("No notifications yet")
      .or(page.getByRole("list", { name: "Notifications" }))
      .waitFor();
    await screenshot(page, "notifications-demo");
    await page.goto("/no/such/page");
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    await page.getByRole("link", { name: "Go to your home feed" }).click();
    await page.getByRole("feed", { name: "Home feed" }).waitFor();
    await page.context().close();
  });

  it("is usable from the keyboard: skip link, visible focus, focus moved to the new page", async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, DEMO.email, DEMO.password);
    await page.getByRole("feed", { name: "Home feed" }).getByRole("article").first().waitFor();
    // The skip link comes first, and shows with a visible outline when focused.
    const first = await page.evaluate(
      () => document.querySelector<HTMLElement>("a[href], button, textarea, input")?.textContent,
    );
    expect(first).toBe("Skip to content");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await page.keyboard.press("Shift"); // keyboard use, so focus is shown
    await skip.focus();
    const box = await skip.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe("solid");
    await page.keyboard.press("Enter");
    await expect(page.evaluate(() => location.hash)).resolves.toBe("#main");
    // Navigating by keyboard puts focus on the new page's main landmark.
    await page.getByRole("navigation").getByRole("link", { name: "Explore" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Explore" }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.context().close();
  });

  it("fits a phone: one column, the navigation at the bottom, nothing wider than the screen", async () => {
    const page = await (await newContext(browser, { width: 390, height: 844 })).newPage();
    await signIn(page, DEMO.email, DEMO.password);
    await page.getByRole("feed", { name: "Home feed" }).getByRole("article").first().waitFor();
    const nav = await page.getByRole("navigation", { name: "Main" }).boundingBox();
    expect(nav!.y + nav!.height).toBeGreaterThan(844 - 80);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await expect(page.getByRole("complementary").isVisible()).resolves.toBe(false);
    await screenshot(page, "phone-home");
    await page.getByRole("navigation").getByRole("link", { name: "Profile" }).click();
    await page.getByRole("heading", { level: 1 }).waitFor();
    await screenshot(page, "phone-profile");
    await page.context().close();
  });
});
