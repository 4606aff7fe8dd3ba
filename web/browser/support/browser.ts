// The app's browser tests: headless Chromium from the shared harness (test/browser/support: Chromium from
// @sparticuz/chromium, driven by playwright-core) and the helpers the tests share: sign-up, sign-in,
// screenshots.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { inject } from "vitest";
import { repoRoot } from "../../../test/e2e/support/repo.ts";

/** Where the tests save a screenshot of every screen (gitignored). */
export const SCREENSHOTS = path.join(repoRoot, "web/screenshots");

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

/**
 * A Firestore document's fields as the server holds them (REST, as firebase-admin: past the rules), or
 * null when there is none: what the app wrote, checked from outside the browser.
 */
export async function firestoreDocument(documentPath: string): Promise<Record<string, unknown> | null> {
  const response = await firestoreGet(documentPath);
  return response ? plainFields(response as FirestoreDocument) : null;
}

/** The documents of a Firestore collection, as `firestoreDocument` gives one. */
export async function firestoreDocuments(collectionPath: string): Promise<Record<string, unknown>[]> {
  const response = (await firestoreGet(collectionPath)) as { documents?: FirestoreDocument[] } | null;
  return (response?.documents ?? []).map(plainFields);
}

type FirestoreDocument = { fields?: Record<string, Record<string, unknown>> };

async function firestoreGet(relativePath: string): Promise<unknown> {
  const url = `${inject("stack").firestoreUrl}/v1/projects/demo-rookery/databases/(default)/documents/${relativePath}`;
  const response = await fetch(url, { headers: { Authorization: "Bearer owner" } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`GET ${relativePath}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Each REST value is `{ stringValue: … }`, `{ timestampValue: … }`, …: keep the value. */
function plainFields({ fields = {} }: FirestoreDocument): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, Object.values(value)[0]]));
}

/** The signed-in user as the web SDK keeps it in the page's Auth storage (IndexedDB), or null. */
async function storedUser(
  page: Page,
): Promise<{ uid?: string; stsTokenManager?: { accessToken?: string } } | null> {
  return page.evaluate(
    () =>
      new Promise<{ uid?: string; stsTokenManager?: { accessToken?: string } } | null>((resolve, reject) => {
        const open = indexedDB.open("firebaseLocalStorageDb");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result
            .transaction("firebaseLocalStorage", "readonly")
            .objectStore("firebaseLocalStorage");
          const all = store.getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () =>
            resolve((all.result as { value?: { uid?: string } }[]).find((r) => r.value?.uid)?.value ?? null);
        };
      }),
  );
}

/** The signed-in account's uid, from the page's Auth storage (IndexedDB, where the web SDK keeps it). */
export async function uidOf(page: Page): Promise<string> {
  const uid = (await storedUser(page))?.uid;
  if (!uid) throw new Error("no signed-in account in the page's Auth storage");
  return uid;
}

/** The demo account `npm start` creates with the demo graph. */
export const DEMO = { email: "demo@rookery.test", password: "rookery-demo" };

/** Saves a full-page screenshot as web/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** The signed-in account's current ID token, from the page's Auth storage. */
async function idTokenOf(page: Page): Promise<string> {
  const token = (await storedUser(page))?.stsTokenManager?.accessToken;
  if (!token) throw new Error("no signed-in account in the page's Auth storage");
  return token;
}

/**
 * Runs a connector mutation as the page's signed-in account, over HTTP as the SDK does: for what the app
 * has no button for (a followers-only post). Fails with the server's answer when it refuses.
 */
export async function mutateAs(page: Page, operationName: string, variables: Record<string, unknown>) {
  const url = `${inject("stack").dataConnectUrl}/v1/projects/demo-rookery/locations/us-central1/services/rookery/connectors/social:executeMutation`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-firebase-auth-token": await idTokenOf(page) },
    body: JSON.stringify({ operationName, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (!response.ok || body.errors?.length) {
    throw new Error(`${operationName}: ${response.status} ${JSON.stringify(body).slice(0, 400)}`);
  }
  return body.data;
}
