// Notifications in the browser: Ann's screen fills live as Bob and Cy like her post and follow her (the
// functions group them, Firestore delivers them), the badge on the navigation link counts what is
// unread, opening one marks it read, "Mark all as read" clears the badge; a private account's follow
// requests are approved and declined; and nobody reads another person's notifications.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { firestoreDocuments, newContext, screenshot, signUp, uidOf } from "./support/browser.ts";

let browser: Browser;
let ann: Page;
let bob: Page;
let cy: Page;
let annUid: string;
let bobUid: string;
let postPath: string;

beforeAll(async () => {
  browser = await launchChromium();
  const page = async () => (await newContext(browser)).newPage();
  [ann, bob, cy] = [await page(), await page(), await page()];
  await signUp(ann, "Ann Notified");
  await signUp(bob, "Bob Liker");
  await signUp(cy, "Cy Asker");
  [annUid, bobUid] = await Promise.all([uidOf(ann), uidOf(bob)]);
});
afterAll(() => browser?.close());

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });
const notificationsLink = (page: Page) => nav(page).getByRole("link", { name: "Notifications" });
const list = (page: Page) => page.getByRole("list", { name: "Notifications" });
const item = (page: Page, text: string | RegExp) =>
  list(page).getByRole("listitem").filter({ hasText: text });

/** The Notifications link's accessible name (what a screen reader announces), from the ARIA tree. */
async function linkName(page: Page): Promise<string> {
  const snapshot = await notificationsLink(page).ariaSnapshot();
  return /link "([^"]*)"/.exec(snapshot)?.[1] ?? snapshot;
}

/** Marks the page, so a test can tell it was never reloaded (what it shows came live). */
async function markUnreloaded(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    (globalThis as { __sameLoad?: boolean }).__sameLoad = true;
  });
  return () => page.evaluate(() => (globalThis as { __sameLoad?: boolean }).__sameLoad === true);
}

/** Presses a toggle and waits until the server answered (the button is no longer busy). */
async function press(page: Page, name: string, then: string) {
  await page.getByRole("button", { name, exact: true }).click();
  const after = page.getByRole("button", { name: then, exact: true });
  await after.waitFor();
  await expect.poll(() => after.getAttribute("aria-busy")).toBe("false");
}

describe("the notifications screen", () => {
  it("starts empty, with no badge on the navigation link", async () => {
    await ann.getByRole("textbox", { name: "New post" }).fill("Ann's post, for liking");
    await ann.getByRole("button", { name: "Post", exact: true }).click();
    const mine = ann
      .getByRole("feed", { name: "Home feed" })
      .getByRole("article")
      .filter({ hasText: "Ann's post" });
    await mine.locator(".time-link").first().click();
    await ann.getByRole("heading", { level: 1, name: "Post" }).waitFor();
    postPath = new URL(ann.url()).pathname;

    await notificationsLink(ann).click();
    await ann.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
    await ann.getByText("No notifications yet").waitFor();
    await expect(linkName(ann)).resolves.toBe("Notifications");
  });

  it("shows likes and follows live, grouped, with the unread count on the navigation link", async () => {
    const sameLoad = await markUnreloaded(ann);
    // Bob likes the post and follows Ann; Cy likes it too.
    await bob.goto(postPath);
    await bob.getByRole("article").first().getByRole("button", { name: "Like" }).click();
    await bob.goto(`/u/${annUid}`);
    await press(bob, "Follow", "Unfollow");
    await cy.goto(postPath);
    await cy.getByRole("article").first().getByRole("button", { name: "Like" }).click();

    await item(ann, "Cy Asker and Bob Liker liked your post").waitFor();
    await item(ann, "Bob Liker followed you").waitFor();
    await expect(list(ann).getByRole("listitem").count()).resolves.toBe(2);
    // The badge: "2" to see, "2 unread" to hear; the link's name still starts with "Notifications",
    // so the navigation contract (a link named Notifications) holds, exactly as the contract tests ask.
    await expect.poll(() => linkName(ann)).toBe("Notifications 2 unread");
    await expect(notificationsLink(ann).count()).resolves.toBe(1);
    await expect(
      nav(ann)
        .getByRole("link", { name: /^Notifications 2 unread$/ })
        .count(),
    ).resolves.toBe(1);
    await expect(nav(ann).locator(".nav-count [aria-hidden=true]").innerText()).resolves.toBe("2");
    // Each unread item says so to a screen reader, and its link is what a keyboard reaches.
    await expect(
      item(ann, "liked your post")
        .getByRole("link", { name: "Unread: Cy Asker and Bob Liker liked your post" })
        .count(),
    ).resolves.toBe(1);
    await expect(sameLoad()).resolves.toBe(true);
    await screenshot(ann, "notifications");
  });

  it("opens the post from a notification and marks that one read", async () => {
    await item(ann, "liked your post").getByRole("link").click();
    await ann.waitForURL(`**${postPath}`);
    await ann.getByRole("article").first().getByText("Ann's post, for liking").waitFor();
    await expect.poll(() => linkName(ann)).toBe("Notifications 1 unread");
    await notificationsLink(ann).click();
    await expect(item(ann, "liked your post").getByRole("link").innerText()).resolves.not.toContain("Unread");
    await item(ann, "followed you")
      .getByRole("link", { name: /^Unread: / })
      .waitFor();
    // The follow notification leads to the follower's profile.
    await expect(item(ann, "followed you").getByRole("link").getAttribute("href")).resolves.toMatch(/^\/u\//);
  });

  it("shows the badge on the icon where the navigation has icons only (a phone)", async () => {
    await ann.setViewportSize({ width: 390, height: 844 });
    const badge = nav(ann).locator(".nav-count");
    await expect(badge.isVisible()).resolves.toBe(true);
    const [link, count] = await Promise.all([notificationsLink(ann).boundingBox(), badge.boundingBox()]);
    expect(count!.x + count!.width).toBeLessThanOrEqual(link!.x + link!.width + 1);
    expect(count!.y).toBeGreaterThanOrEqual(link!.y - 1);
    await expect(linkName(ann)).resolves.toBe("Notifications 1 unread");
    await screenshot(ann, "phone-notifications");
    await ann.setViewportSize({ width: 1280, height: 900 });
  });

  it("marks everything read: the badge goes, and a new like brings it back", async () => {
    await ann.getByRole("button", { name: "Mark all as read" }).click();
    await expect.poll(() => linkName(ann)).toBe("Notifications");
    await expect(
      list(ann)
        .getByRole("link", { name: /^Unread: / })
        .count(),
    ).resolves.toBe(0);
    await expect(ann.locator(".nav-count").count()).resolves.toBe(0);
    // Read on the server too (another device of Ann's would show the same).
    await ann.reload();
    await item(ann, "followed you").waitFor();
    await expect(linkName(ann)).resolves.toBe("Notifications");

    // Bob unlikes and likes again: a newer action makes the group unread again.
    await bob.goto(postPath);
    const like = bob.getByRole("article").first().getByRole("button", { name: "Like" });
    await expect.poll(() => like.getAttribute("aria-pressed")).toBe("true");
    await like.click();
    await expect.poll(() => like.getAttribute("aria-pressed")).toBe("false");
    await expect.poll(() => like.getAttribute("aria-busy")).toBe("false");
    await like.click();
    await expect.poll(() => linkName(ann)).toBe("Notifications 1 unread");
    await item(ann, /Bob Liker and Cy Asker liked your post/)
      .getByRole("link", { name: /^Unread: / })
      .waitFor();
  });

  it("does not let one person read another's notifications (Firestore refuses it)", async () => {
    // Ann's own ID token, from her browser, asking for Bob's notifications and his counter.
    const token = await ann.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open("firebaseLocalStorageDb");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result
              .transaction("firebaseLocalStorage")
              .objectStore("firebaseLocalStorage")
              .getAll();
            all.onsuccess = () =>
              resolve(
                (all.result as { value?: { stsTokenManager?: { accessToken?: string } } }[]).find(
                  (r) => r.value?.stsTokenManager?.accessToken,
                )?.value?.stsTokenManager?.accessToken ?? "",
              );
          };
        }),
    );
    expect(token).not.toBe("");
    const base = `${inject("stack").firestoreUrl}/v1/projects/demo-rookery/databases/(default)/documents`;
    const get = (path: string) => fetch(`${base}/${path}`, { headers: { Authorization: `Bearer ${token}` } });
    // Bob gets a notification of his own: Ann follows him.
    await ann.goto(`/u/${bobUid}`);
    await press(ann, "Follow", "Unfollow");
    await expect.poll(async () => (await firestoreDocuments(`users/${bobUid}/notifications`)).length).toBe(1);
    await expect(get(`users/${annUid}/notifications`).then((r) => r.status)).resolves.toBe(200);
    await expect(get(`users/${bobUid}/notifications`).then((r) => r.status)).resolves.toBe(403);
    await expect(get(`users/${bobUid}/notificationState/counter`).then((r) => r.status)).resolves.toBe(403);
  });
});

describe("follow requests to a private account", () => {
  it("asks instead of following: the button says Requested, also after a reload", async () => {
    await ann.goto("/settings");
    await ann.getByRole("checkbox", { name: "Private account" }).check();
    await ann.getByRole("status").filter({ hasText: "Your account is private now." }).waitFor();
    await ann.goto(`/u/${annUid}`);
    await ann.getByText("Private", { exact: true }).waitFor();

    await cy.goto(`/u/${annUid}`);
    await cy.getByText("Private", { exact: true }).waitFor();
    await press(cy, "Follow", "Requested");
    await expect(cy.getByRole("button", { name: "Requested" }).getAttribute("aria-pressed")).resolves.toBe(
      "true",
    );
    await cy.reload();
    await cy.getByRole("button", { name: "Requested", exact: true }).waitFor();
    await cy.getByText("1 followers").waitFor(); // Bob only: a request is not a follow
    await cy.getByText("Once Ann Notified approves your request, their posts show up here.").waitFor();
    await screenshot(cy, "profile-requested");
  });

  it("cancels a request when Requested is pressed", async () => {
    await press(cy, "Requested", "Follow");
    await cy.reload();
    await cy.getByRole("button", { name: "Follow", exact: true }).waitFor();
    await press(cy, "Follow", "Requested");
  });

  it("shows the request to the account's owner, who approves it: the requester follows, the counts move", async () => {
    await notificationsLink(ann).click();
    await item(ann, "Cy Asker asked to follow you").waitFor();
    await ann.getByRole("link", { name: /^Follow requests/ }).click();
    await ann.getByRole("heading", { level: 1, name: "Follow requests" }).waitFor();
    const requests = ann.getByRole("list", { name: "Follow requests" });
    await requests.getByRole("listitem").filter({ hasText: "Cy Asker" }).waitFor();
    await screenshot(ann, "follow-requests");
    await requests.getByRole("button", { name: "Approve Cy Asker" }).click();
    await ann.getByText("No follow requests").waitFor();
    await ann.getByRole("status").filter({ hasText: "Cy Asker now follows you." }).waitFor();

    await ann.goto(`/u/${annUid}`);
    await ann.getByText("2 followers").waitFor();
    await ann.getByRole("link", { name: "2 followers" }).click();
    await ann
      .getByRole("list", { name: /^People following/ })
      .getByRole("listitem")
      .filter({ hasText: "Cy Asker" })
      .waitFor();
    await cy.reload();
    await cy.getByRole("button", { name: "Unfollow", exact: true }).waitFor();
    await cy.getByText("2 followers").waitFor();
    // An approved follower sees the private account's posts.
    await cy
      .getByRole("feed", { name: "Posts by Ann Notified" })
      .getByText("Ann's post, for liking")
      .waitFor();
    // The request notification is gone with the request.
    await notificationsLink(ann).click();
    await item(ann, "followed you").waitFor();
    await expect.poll(() => item(ann, "asked to follow you").count()).toBe(0);
  });

  it("declines a request: it goes, nobody follows, and the requester may ask again", async () => {
    await press(cy, "Unfollow", "Follow");
    await press(cy, "Follow", "Requested");
    await ann.goto("/notifications/requests");
    const requests = ann.getByRole("list", { name: "Follow requests" });
    await requests.getByRole("button", { name: "Decline Cy Asker" }).click();
    await ann.getByText("No follow requests").waitFor();
    await ann.reload();
    await ann.getByText("No follow requests").waitFor();
    await cy.reload();
    await cy.getByRole("button", { name: "Follow", exact: true }).waitFor();
    await cy.getByText("1 followers").waitFor();
  });
});
