// Two people: profiles, follow and unfollow with their counts, a post reaching a follower's home feed,
// likes between them, usernames, mute and block, a refusal from the server rolled back on screen, and
// live updates (a thread open on one screen while the other person answers; another device's post).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { newContext, screenshot, signIn, signUp } from "./support/browser.ts";

let browser: Browser;
let ada: Page;
let bob: Page;
let bobProfile: string;
let adaEmail: string;
const bobName = `bob_${Date.now().toString(36)}`;

beforeAll(async () => {
  browser = await launchChromium();
  ada = await (await newContext(browser)).newPage();
  bob = await (await newContext(browser)).newPage();
  adaEmail = await signUp(ada, "Ada Lovelace");
  await signUp(bob, "Bob Kahn");
});
afterAll(() => browser?.close());

async function openOwnProfile(page: Page, name: string) {
  await page.getByRole("navigation").getByRole("link", { name: "Profile" }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

describe("profiles", () => {
  it("a new account has a username from sign-up on; picking another moves its profile there", async () => {
    // The Auth trigger gives every account a username (from its name or email) a moment after sign-up.
    await expect
      .poll(async () => {
        await bob.goto("/");
        await openOwnProfile(bob, "Bob Kahn");
        return new URL(bob.url()).pathname;
      })
      .toMatch(/^\/u\/[a-z0-9_]{3,30}$/);
    await bob.getByRole("button", { name: "Edit profile" }).click();
    await bob.getByRole("textbox", { name: "Username" }).fill("no spaces allowed");
    await bob.getByRole("button", { name: "Save" }).click();
    await bob.getByRole("alert").filter({ hasText: "letters, digits and underscores" }).waitFor();
    await bob.getByRole("textbox", { name: "Username" }).fill(bobName);
    await bob.getByRole("textbox", { name: "Bio" }).fill("Packets, mostly.");
    await bob.getByRole("button", { name: "Save" }).click();
    await bob.waitForURL(`**/u/${bobName}`);
    await bob.getByText(`@${bobName}`).first().waitFor();
    await bob.getByText("Packets, mostly.").waitFor();
    bobProfile = `/u/${bobName}`;
  });

  it("refuses a username someone else has", async () => {
    await openOwnProfile(ada, "Ada Lovelace");
    await ada.getByRole("button", { name: "Edit profile" }).click();
    await ada.getByRole("textbox", { name: "Username" }).fill(bobName.toUpperCase());
    await ada.getByRole("button", { name: "Save" }).click();
    await ada.getByRole("alert").filter({ hasText: "That username is taken." }).waitFor();
    await ada.getByRole("button", { name: "Cancel" }).click();
  });
});

describe("following", () => {
  it("shows the heading, the Follow button and the counts, and follows with the counts moving at once", async () => {
    await bob.goto("/");
    await bob.getByRole("textbox", { name: "New post" }).fill("Hello from Bob, to whoever follows.");
    await bob.getByRole("button", { name: "Post", exact: true }).click();
    await bob.getByRole("feed", { name: "Home feed" }).getByText("Hello from Bob").waitFor();

    // Ada meets Bob's post on Explore and opens his profile from it.
    await ada.goto("/explore");
    await ada
      .getByRole("feed", { name: "Explore feed" })
      .getByRole("link", { name: "Bob Kahn" })
      .first()
      .click();
    await ada.waitForURL(`**${bobProfile}`);
    await ada.getByRole("heading", { level: 1, name: "Bob Kahn" }).waitFor();
    await ada.getByText("0 followers").waitFor();
    await ada.getByText("0 following").waitFor();
    await ada.getByRole("button", { name: "Follow", exact: true }).click();
    await ada.getByRole("button", { name: "Unfollow", exact: true }).waitFor();
    await ada.getByText("1 followers").waitFor();
    await screenshot(ada, "profile");
    await expect
      .poll(() => ada.getByRole("button", { name: "Unfollow", exact: true }).getAttribute("aria-busy"))
      .toBe("false");
  });

  it("opens a username's profile straight from its URL, in a browser that has never seen it", async () => {
    // Forget every username this browser has met, so the page must look Bob up by his username.
    await ada.evaluate(() => localStorage.removeItem("rookery.handles"));
    await ada.goto(bobProfile);
    await ada.getByRole("heading", { level: 1, name: "Bob Kahn" }).waitFor();
    await ada.getByRole("button", { name: "Unfollow", exact: true }).waitFor();
  });

  it("brings the followed account's posts to the follower's home feed", async () => {
    await ada.goto("/");
    const feed = ada.getByRole("feed", { name: "Home feed" });
    await feed.getByRole("article").filter({ hasText: "Hello from Bob" }).waitFor();
  });

  it("lists the follower on the followed account's followers page, and the count there too", async () => {
    await bob.goto(bobProfile);
    await bob.getByText("1 followers").waitFor();
    await bob.getByRole("link", { name: "1 followers" }).click();
    const list = bob.getByRole("list", { name: "People following Bob Kahn" });
    await list.getByRole("listitem").filter({ hasText: "Ada Lovelace" }).waitFor();
    await screenshot(bob, "followers");
    await bob.getByRole("link", { name: "Following" }).click();
    await bob.getByText("Not following anyone yet").waitFor();
  });

  it("lets the followed account see a like from the follower", async () => {
    const post = ada
      .getByRole("feed", { name: "Home feed" })
      .getByRole("article")
      .filter({ hasText: "Hello from Bob" });
    await ada.goto("/");
    await post.getByRole("button", { name: "Like" }).click();
    await expect
      .poll(() => post.getByRole("button", { name: "Like" }).getAttribute("aria-pressed"))
      .toBe("true");
    await expect
      .poll(() => post.getByRole("button", { name: "Like" }).getAttribute("aria-busy"))
      .toBe("false");
    // Like counts settle from mutation events (about 200 ms); Bob reloads until he sees it.
    await expect
      .poll(
        async () => {
          await bob.goto("/");
          const mine = bob
            .getByRole("feed", { name: "Home feed" })
            .getByRole("article")
            .filter({ hasText: "Hello from Bob" });
          await mine.waitFor();
          return mine.getByText("1 likes").count();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe(1);
  });

  it("unfollows, and the count goes back", async () => {
    await ada.goto(bobProfile);
    await ada.getByRole("button", { name: "Unfollow", exact: true }).click();
    await ada.getByRole("button", { name: "Follow", exact: true }).waitFor();
    await ada.getByText("0 followers").waitFor();
    await expect
      .poll(() => ada.getByRole("button", { name: "Follow", exact: true }).getAttribute("aria-busy"))
      .toBe("false");
    await ada.reload();
    await ada.getByText("0 followers").waitFor();
  });
});

describe("mute and block", () => {
  it("muting takes an account's posts out of the home feed; unmuting brings them back", async () => {
    await ada.goto(bobProfile);
    await ada.getByRole("button", { name: "Follow", exact: true }).click();
    await ada.getByRole("button", { name: "Unfollow", exact: true }).waitFor();
    await expect
      .poll(() => ada.getByRole("button", { name: "Unfollow", exact: true }).getAttribute("aria-busy"))
      .toBe("false");
    await ada.getByRole("button", { name: /^More/ }).click();
    await ada.getByRole("button", { name: "Mute" }).click();
    await ada.getByText("Muted").waitFor();
    await ada.goto("/");
    await ada.getByRole("heading", { level: 1, name: "Home" }).waitFor();
    // The feed has answered (not "the network is idle": the unread badge's Firestore listener never is).
    const feed = ada.getByRole("feed", { name: "Home feed" });
    await ada.getByText("Your home feed is empty").or(feed.getByRole("article").first()).waitFor();
    await expect(ada.getByText("Hello from Bob").count()).resolves.toBe(0);
    await ada.goto(bobProfile);
    await ada.getByRole("button", { name: /^More/ }).click();
    await ada.getByRole("button", { name: "Unmute" }).click();
    await ada.getByText("Muted").waitFor({ state: "detached" });
    await ada.goto("/");
    await ada.getByRole("feed", { name: "Home feed" }).getByText("Hello from Bob").waitFor();
  });

  it("rolls a follow back and says why when the server refuses it (the account blocked you meanwhile)", async () => {
    // Ada has Bob's profile open, following him; Bob blocks Ada (which removes the follow).
    await ada.goto(bobProfile);
    await ada.getByRole("button", { name: "Unfollow", exact: true }).waitFor();
    await bob.getByRole("navigation").getByRole("link", { name: "Profile" }).click();
    await bob.getByRole("link", { name: "1 followers" }).click();
    await bob.getByRole("link", { name: "Ada Lovelace" }).click();
    await bob.getByRole("heading", { level: 1, name: "Ada Lovelace" }).waitFor();
    await bob.getByRole("button", { name: /^More/ }).click();
    await bob.getByRole("button", { name: "Block" }).click();
    await bob.getByText("You blocked this account").waitFor();
    await expect(bob.getByRole("button", { name: /^(Follow|Unfollow)$/ }).count()).resolves.toBe(0);

    // Ada's page is stale: she unfollows (gone already): refused, and she is told.
    await ada.getByRole("button", { name: "Unfollow", exact: true }).click();
    await ada.getByRole("alert").filter({ hasText: "Couldn't unfollow Bob Kahn" }).waitFor();
    // She tries to follow again: refused, the button and the count roll back.
    await ada.reload();
    await ada.getByRole("button", { name: "Follow", exact: true }).click();
    await ada.getByRole("alert").filter({ hasText: "You cannot follow this account." }).waitFor();
    await ada.getByRole("button", { name: "Follow", exact: true }).waitFor();
    await ada.getByText("0 followers").waitFor();
    await screenshot(ada, "follow-refused");
  });

  it("unblocking lets them follow again", async () => {
    await bob.getByRole("button", { name: /^More/ }).click();
    await bob.getByRole("button", { name: "Unblock" }).click();
    await bob.getByRole("button", { name: "Follow", exact: true }).waitFor();
    await ada.reload();
    await ada.getByRole("button", { name: "Follow", exact: true }).click();
    await ada.getByRole("button", { name: "Unfollow", exact: true }).waitFor();
    await expect
      .poll(() => ada.getByRole("button", { name: "Unfollow", exact: true }).getAttribute("aria-busy"))
      .toBe("false");
    await ada.reload();
    await ada.getByRole("button", { name: "Unfollow", exact: true }).waitFor();
  });
});

/** Marks the page, so a test can tell it was never reloaded (what it shows came live). */
async function markUnreloaded(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    (globalThis as { __sameLoad?: boolean }).__sameLoad = true;
  });
  return () => page.evaluate(() => (globalThis as { __sameLoad?: boolean }).__sameLoad === true);
}

describe("live updates", () => {
  it("shows someone else's reply, comment and the reply count on an open thread as they are written", async () => {
    await bob.goto("/");
    await bob.getByRole("textbox", { name: "New post" }).fill("Live thread by Bob");
    await bob.getByRole("button", { name: "Post", exact: true }).click();
    const post = bob
      .getByRole("feed", { name: "Home feed" })
      .getByRole("article")
      .filter({ hasText: "Live thread by Bob" })
      .first();
    await post.locator(".time-link").click();
    await bob.getByRole("heading", { level: 1, name: "Post" }).waitFor();

    await ada.goto(new URL(bob.url()).pathname);
    await ada.getByText("No replies yet").waitFor();
    await ada.getByText("No comments yet.").waitFor();
    const sameLoad = await markUnreloaded(ada);

    await bob.getByRole("textbox", { name: "Your reply" }).fill("Bob replies live");
    await bob.getByRole("button", { name: "Reply", exact: true }).click();
    await ada
      .getByRole("region", { name: "Replies" })
      .getByRole("article")
      .filter({ hasText: "Bob replies live" })
      .waitFor();
    await ada
      .getByRole("article")
      .first()
      .getByText(/^1 replies$/)
      .waitFor({ state: "attached" });

    await bob.getByRole("textbox", { name: "Add a comment" }).fill("Bob comments live");
    await bob.getByRole("button", { name: "Comment", exact: true }).click();
    await ada
      .getByRole("list", { name: "Comments" })
      .getByRole("listitem")
      .filter({ hasText: "Bob comments live" })
      .waitFor();
    await expect(sameLoad()).resolves.toBe(true);
    await screenshot(ada, "thread-live");
  });

  it("brings a post and a bookmark made on another device into the open home feed", async () => {
    await ada.goto("/");
    const feed = ada.getByRole("feed", { name: "Home feed" });
    await feed.getByRole("article").first().waitFor();
    const sameLoad = await markUnreloaded(ada);

    const phone = await (await newContext(browser, { width: 390, height: 844 })).newPage();
    await signIn(phone, adaEmail, "correct-horse-battery");
    await phone.getByRole("textbox", { name: "New post" }).fill("Posted from Ada's phone");
    await phone.getByRole("button", { name: "Post", exact: true }).click();
    const onPhone = phone
      .getByRole("feed", { name: "Home feed" })
      .getByRole("article")
      .filter({ hasText: "Posted from Ada's phone" })
      .first();
    await onPhone.waitFor();

    await ada.getByRole("button", { name: "Show new posts" }).click();
    const onLaptop = feed.getByRole("article").filter({ hasText: "Posted from Ada's phone" }).first();
    await onLaptop.waitFor();
    await expect(
      onLaptop.getByRole("button", { name: "Bookmark" }).getAttribute("aria-pressed"),
    ).resolves.toBe("false");
    await onPhone.getByRole("button", { name: "Bookmark" }).click();
    await expect
      .poll(() => onLaptop.getByRole("button", { name: "Bookmark" }).getAttribute("aria-pressed"))
      .toBe("true");
    await expect(sameLoad()).resolves.toBe(true);
    await screenshot(ada, "home-live");
    await phone.context().close();
  });
});
