// Headless Chromium from @sparticuz/chromium (shipped inside the npm package: no download), driven by
// playwright-core, with helpers the tests share: sign-up, sign-in, screenshots.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import chromium from "@sparticuz/chromium";
import { type Browser, type BrowserContext, type Page, chromium as playwright } from "playwright-core";
import { inject } from "vitest";
import { repoRoot } from "../../../test/e2e/support/repo.ts";

/** Where the tests save a screenshot of every screen (gitignored). */
export const SCREENSHOTS = path.join(repoRoot, "web/screenshots");

/** Launches Chromium as this machine allows: no sandbox as root, no calls to Google's servers. */
export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-features=Translate,MediaRouter,OptimizationHints",
    ],
  });
}

/** A fresh browser profile on the app, desktop-sized unless told otherwise. */
export async function newContext(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, baseURL: inject("stack").webUrl });
  context.setDefaultTimeout(20_000);
  // What the server refused, in the test's output: the first thing to read when a test fails.
  context.on("response", async (response) => {
    if (!response.url().includes("/connectors/")) return;
    const body = await response.text().catch(() => "");
    if (body.includes('"errors"')) {
      const operation = /"operationName":"(\w+)"/.exec(response.request().postData() ?? "")?.[1];
      console.warn(`Data Connect refused ${operation}: ${body.slice(0, 400)}`);
    }
  });
  return context;
}

/** A unique email for a new account. */
export function uniqueEmail(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@rookery.test`;
}

/** Creates an account through the sign-up form and waits for the signed-in home screen. */
export async function signUp(page: Page, displayName: string, email = uniqueEmail(displayName)) {
  await page.goto("/");
  await page.getByRole("link", { name: "Create account" }).click();
  // The sign-up form (the sign-in form's fields look the same until it has replaced them).
  await page.getByRole("textbox", { name: "Display name" }).waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByLabel("Display name").fill(displayName);
  await page.getByRole("button", { name: "Create account" }).click();
  await signedIn(page);
  return email;
}

/** Signs in through the sign-in form. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await signedIn(page);
}

/** Waits for the signed-in screens; fails with what the page says instead when they do not come. */
async function signedIn(page: Page) {
  try {
    await page.getByRole("navigation").getByRole("link", { name: "Home" }).waitFor();
  } catch (error) {
    const text = await page
      .locator("body")
      .innerText()
      .catch(() => "");
    throw new Error(`not signed in; the page says:\n${text.slice(0, 500)}`, { cause: error });
  }
}

/** The demo account `npm start` creates with the demo graph. */
export const DEMO = { email: "demo@rookery.test", password: "rookery-demo" };

/** Saves a full-page screenshot as web/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
