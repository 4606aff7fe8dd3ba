// Settings: changing the username (the new profile address works, a taken or reserved one is refused
// with the reason), a private account (a new follower's Follow becomes a request, approved in Settings),
// downloading one's data as JSON, and deleting the account (signed out, the profile gone).
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { newContext, screenshot, signUp } from "./support/browser.ts";

let browser: Browser;
let uma: Page;
let vic: Page;
const run = Date.now().toString(36);
const umaName = `uma_${run}`;
const vicName = `vic_${run}`;

beforeAll(async () => {
  browser = await launchChromium();
  uma = await (await newContext(browser)).newPage();
  vic = await (await newContext(browser)).newPage();
  await signUp(uma, "Uma Settings");
  await signUp(vic, "Vic Visitor");
});
afterAll(() => browser?.close());

async function openSettings(page: Page) {
  await page.getByRole("navigation").getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
}

async function changeUsername(page: Page, username: string) {
  await page.getByRole("textbox", { name: "Username" }).fill(username);
  await page.getByRole("button", { name: "Change username" }).click();
}

describe("username", () => {
  it("moves the profile to /u/<new username>", async () => {
    await openSettings(vic);
    await changeUsername(vic, vicName);
    await vic
      .getByRole("status")
      .filter({ hasText: `Your username is now @${vicName}.` })
      .waitFor();
    await openSettings(uma);
    await changeUsername(uma, umaName.toUpperCase());
    await uma
      .getByRole("status")
      .filter({ hasText: `Your username is now @${umaName}.` })
      .waitFor();
    // Someone else's browser, which has never seen the name, finds the profile there.
    const stranger = await (await newContext(browser)).newPage();
    await signUp(stranger, "Stranger Danger");
    await stranger.goto(`/u/${umaName}`);
    await stranger.getByRole("heading", { level: 1, name: "Uma Settings" }).waitFor();
    await stranger.getByText(`@${umaName}`).first().waitFor();
    await stranger.context().close();
  });

  it("refuses a username someone else has, saying so", async () => {
    await changeUsername(uma, vicName);
    await uma.getByRole("alert").filter({ hasText: "That username is taken." }).waitFor();
  });

  it("refuses a reserved or malformed username before asking the server", async () => {
    await changeUsername(uma, "Settings");
    await uma.getByRole("alert").filter({ hasText: "That username is reserved." }).waitFor();
    await changeUsername(uma, "no spaces");
    await uma.getByRole("alert").filter({ hasText: "letters, digits and underscores" }).waitFor();
    await expect(uma.getByRole("textbox", { name: "Username" }).inputValue()).resolves.toBe("no spaces");
  });
});

describe("private account", () => {
  it("turns a new follower's Follow into a request, which shows up live in Settings, where the owner approves it", async () => {
    await uma.reload();
    const toggle = uma.getByRole("checkbox", { name: "Private account" });
    await toggle.check();
    await uma.getByRole("status").filter({ hasText: "Your account is private now." }).waitFor();
    await expect(toggle.isChecked()).resolves.toBe(true);

    await vic.goto(`/u/${umaName}`);
    await vic.getByRole("heading", { level: 1, name: "Uma Settings" }).waitFor();
    await vic.getByText("Private", { exact: true }).waitFor();
    await vic.getByRole("button", { name: "Follow", exact: true }).click();
    await vic.getByRole("button", { name: "Requested" }).waitFor();
    await vic.getByText("0 followers").waitFor();
    // Uma has posted nothing yet: nothing waits for approval, so the profile says so plainly.
    await vic.getByText("Nothing posted so far.").waitFor();
    // Still a request after a reload (the server holds it), not a follow.
    await vic.reload();
    await vic.getByRole("button", { name: "Requested" }).waitFor();

    // No reload: the request shows up in the open Settings screen by itself.
    const requests = uma.getByRole("list", { name: "Follow requests" });
    await requests.getByRole("link", { name: "Vic Visitor" }).waitFor();
    await screenshot(uma, "settings");
    await requests.getByRole("button", { name: "Approve Vic Visitor" }).click();
    await uma.getByRole("status").filter({ hasText: "Vic Visitor now follows you." }).waitFor();
    await vic.reload();
    await vic.getByRole("button", { name: "Unfollow" }).waitFor();
    await vic.getByText("1 followers").waitFor();
    await vic
      .getByRole("feed", { name: "Posts by Uma Settings" })
      .or(vic.getByText("No posts yet"))
      .first()
      .waitFor();
  });
});

describe("your data", () => {
  it("downloads a JSON file with the account's posts", async () => {
    const text = `Keep this post in my export ${run}`;
    await uma.goto("/");
    await uma.getByRole("textbox", { name: "New post" }).fill(text);
    await uma.getByRole("button", { name: "Post", exact: true }).click();
    await uma.getByRole("feed", { name: "Home feed" }).getByText(text).waitFor();
    await openSettings(uma);
    const [download] = await Promise.all([
      uma.waitForEvent("download"),
      uma.getByRole("button", { name: "Download my data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^rookery-${umaName}-\\d{4}-\\d\\d-\\d\\d\\.json$`),
    );
    const archive = JSON.parse(await readFile(await download.path(), "utf8"));
    expect(archive.format).toBe("rookery-account-export/1");
    expect(archive.account).toMatchObject({ username: umaName, isPrivate: true });
    expect(JSON.stringify(archive)).toContain(text);
  });
});

describe("deleting the account", () => {
  it("asks for the username, then deletes the account, signs out, and the profile is gone", async () => {
    await openSettings(uma);
    await uma.getByRole("button", { name: "Delete my account…" }).click();
    const dialog = uma.getByRole("dialog", { name: "Delete your account?" });
    const confirm = dialog.getByRole("button", { name: "Delete my account" });
    await dialog.getByRole("textbox", { name: "Your username" }).fill("someone_else");
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await dialog.getByRole("textbox", { name: "Your username" }).fill(umaName);
    await screenshot(uma, "settings-delete");
    await confirm.click();
    // Signed out: the sign-in screen.
    await uma.getByRole("button", { name: "Sign in" }).waitFor();
    await uma.getByRole("status").filter({ hasText: "Your account has been deleted." }).waitFor();

    await vic.goto(`/u/${umaName}`);
    await vic.getByRole("heading", { level: 1, name: "Profile not found" }).waitFor();
    await vic.goto("/");
    await vic.getByRole("navigation").getByRole("link", { name: "Profile" }).click();
    await vic.getByText("0 following").waitFor();
  });
});
