// Signing in, creating an account, and a new account's first minutes: the contract's roles and names.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import {
  DEMO,
  firestoreDocument,
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

describe("signed out", () => {
  it("shows Email and Password textboxes, a Sign in button and a way to create an account", async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto("/");
    // (A moment of "Starting Rookery…" while Auth restores its session.)
    await page.getByRole("textbox", { name: "Email" }).waitFor();
    await expect(page.getByRole("textbox", { name: "Password" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "sign-in");
    await page.getByRole("link", { name: "Create account" }).click();
    await page.getByRole("textbox", { name: "Display name" }).waitFor();
    await expect(page.getByRole("textbox", { name: "Email" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("textbox", { name: "Password" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Create account" }).isVisible()).resolves.toBe(true);
    expect(new URL(page.url()).pathname).toBe("/signup");
    await screenshot(page, "create-account");
    await page.context().close();
  });

  it("says so when the password is wrong, and keeps the form", async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto("/");
    await page.getByLabel("Email").fill(DEMO.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "don't match" }).textContent()).resolves.toContain(
      "That email and password don't match an account.",
    );
    await expect(page.getByLabel("Email").inputValue()).resolves.toBe(DEMO.email);
    await page.context().close();
  });

  it("returns to the page that was asked for after signing in", async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto("/explore");
    await page.getByLabel("Email").fill(DEMO.email);
    await page.getByLabel("Password").fill(DEMO.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Explore" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/explore");
    await page.context().close();
  });
});

describe("a new account", () => {
  it("reaches a working home feed: navigation, composer, its first post in the feed", async () => {
    const page = await (await newContext(browser)).newPage();
    await signUp(page, "Ada Newcomer", uniqueEmail("ada"));
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const name of ["Home", "Explore", "Drafts", "Notifications", "Profile"]) {
      await expect(nav.getByRole("link", { name }).isVisible(), name).resolves.toBe(true);
    }
    await expect(page.getByRole("button", { name: "Sign out" }).isVisible()).resolves.toBe(true);
    await page.getByText("Your home feed is empty").waitFor();
    await screenshot(page, "home-new-account");

    await page.getByRole("textbox", { name: "New post" }).fill("Hello, **Rookery**! My first post.");
    await page.getByRole("button", { name: "Post", exact: true }).click();
    const feed = page.getByRole("feed", { name: "Home feed" });
    const first = feed.getByRole("article").first();
    await first.getByText("Hello, Rookery! My first post.").waitFor();
    await expect(first.getByRole("link", { name: "Ada Newcomer" }).first().isVisible()).resolves.toBe(true);
    await expect(first.locator("strong").textContent()).resolves.toBe("Rookery");
    await expect(page.getByRole("textbox", { name: "New post" }).inputValue()).resolves.toBe("");
    await page.context().close();
  });

  it("keeps the chosen display name on the profile the Auth mirror also writes", async () => {
    const page = await (await newContext(browser)).newPage();
    await signUp(page, "Grace Hopper", uniqueEmail("grace"));
    await page.getByRole("navigation").getByRole("link", { name: "Profile" }).click();
    await page.getByRole("heading", { level: 1, name: "Grace Hopper" }).waitFor();
    await page.getByText("0 followers").waitFor();
    await page.getByText("0 following").waitFor();
    // Long after the Auth trigger ran, the name is still the chosen one.
    await page.waitForTimeout(2500);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Grace Hopper" }).waitFor();
    await page.context().close();
  });

  it("edits its display name, bio and picture into the Firestore profile document, and every screen shows them", async () => {
    const page = await (await newContext(browser)).newPage();
    await signUp(page, "Katherine J");
    const uid = await uidOf(page);
    // The name typed at sign-up is in the profile document (the record the sync function mirrors).
    await expect
      .poll(async () => (await firestoreDocument(`profiles/${uid}`))?.displayName)
      .toBe("Katherine J");

    await page.getByRole("navigation").getByRole("link", { name: "Profile" }).click();
    await page.getByRole("button", { name: "Edit profile" }).click();
    await page.getByRole("textbox", { name: "Display name" }).fill("Katherine Johnson");
    await page.getByRole("textbox", { name: "Bio" }).fill("Orbits, by hand.");
    await page.getByRole("textbox", { name: "Picture URL" }).fill("http://example.com/katherine.png");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").filter({ hasText: "starts with https://" }).waitFor();
    await page.getByRole("textbox", { name: "Picture URL" }).fill("https://example.com/katherine.png");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Profile saved." }).waitFor();
    await page.getByRole("heading", { level: 1, name: "Katherine Johnson" }).waitFor();
    await expect(firestoreDocument(`profiles/${uid}`)).resolves.toMatchObject({
      displayName: "Katherine Johnson",
      bio: "Orbits, by hand.",
      avatarUrl: "https://example.com/katherine.png",
    });
    await page
      .locator('img.avatar[src="https://example.com/katherine.png"]')
      .first()
      .waitFor({ state: "attached" });

    // Emptying the bio and the picture removes the fields (the rules take a string or nothing).
    await page.getByRole("button", { name: "Edit profile" }).click();
    await page.getByRole("textbox", { name: "Bio" }).fill("");
    await page.getByRole("textbox", { name: "Picture URL" }).fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Profile saved." }).last().waitFor();
    await expect
      .poll(async () => {
        const profile = await firestoreDocument(`profiles/${uid}`);
        return [profile?.bio ?? null, profile?.avatarUrl ?? null];
      })
      .toEqual([null, null]);
    // Long after the sync function ran, the row still says what the document says.
    await page.waitForTimeout(2500);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Katherine Johnson" }).waitFor();
    await expect(page.getByText("Orbits, by hand.").count()).resolves.toBe(0);
    await screenshot(page, "profile-edited");
    await page.context().close();
  });

  it("signs out back to the sign-in form", async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, DEMO.email, DEMO.password);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.context().close();
  });
});
