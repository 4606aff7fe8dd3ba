// Security rules reach browsers: the web SDK over WebChannel (its streams) and REST (its unary calls),
// and firebase/firestore/lite over REST, each signed in with the token the SDK sends for a user.
import { describe, expect, it } from "vitest";
import { inProcessEngine } from "./support/engines.ts";
import { useBrowserFirestore } from "./support/firestore-fixture.ts";

const PROJECT = "demo-browser-rules";
const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /settings/{uid} { allow read, write: if request.auth.uid == uid; }
    match /public/{id} { allow read; }
  }
}`;
const fixture = useBrowserFirestore(PROJECT, (projectId) => inProcessEngine(projectId, { rules: RULES }));

/** The HTTP status of reading a document as the Admin SDK does (`Bearer owner`, past every rule). */
async function asOwner(path: string): Promise<number> {
  const url = `http://${fixture.engine.address}/v1/projects/${PROJECT}/databases/(default)/documents/${path}`;
  return (await fetch(url, { headers: { authorization: "Bearer owner" } })).status;
}

/** The error code a page's promise was rejected with, or "ok". */
type Outcome = string;

describe("rules for the web SDK in Chromium (WebChannel and REST)", () => {
  it("let a signed-in page write and read its own document, and listen to it", async () => {
    const page = await fixture.openPage({ user: "alice" });
    const data = await page.evaluate(async () => {
      const { doc, setDoc, getDocFromServer } = window.sdk;
      const ref = doc(window.db, "settings/alice");
      await setDoc(ref, { theme: "dark" }); // the Write channel
      window.record("mine", ref); // the Listen channel
      return (await getDocFromServer(ref)).data(); // a REST :batchGet
    });
    expect(data).toEqual({ theme: "dark" });
    await expect
      .poll(() => page.evaluate(() => window.recorded.mine?.find((s) => !s.fromCache)?.data))
      .toEqual({ theme: "dark" });
  });

  it("deny another user's document to a signed-in page, reading and writing", async () => {
    const page = await fixture.openPage({ user: "alice" });
    const outcomes = await page.evaluate(async () => {
      const { doc, setDoc, getDocFromServer } = window.sdk;
      const code = (p: Promise<unknown>): Promise<Outcome> =>
        p.then(
          () => "ok",
          (e: { code: string }) => e.code,
        );
      const ref = doc(window.db, "settings/bob");
      return { write: await code(setDoc(ref, { theme: "pink" })), read: await code(getDocFromServer(ref)) };
    });
    expect(outcomes).toEqual({ write: "permission-denied", read: "permission-denied" });
    expect(await asOwner("settings/bob")).toBe(404);
  });

  it("end a listener on a forbidden document with permission-denied, keeping the page's others", async () => {
    const page = await fixture.openPage({ user: "alice" });
    const error = await page.evaluate(async () => {
      const { doc, onSnapshot, setDoc } = window.sdk;
      await setDoc(doc(window.db, "settings/alice"), { theme: "dark" });
      window.record("allowed", doc(window.db, "settings/alice"));
      return new Promise<string>((resolve) => {
        onSnapshot(
          doc(window.db, "settings/bob"),
          () => resolve("snapshot"),
          (e) => resolve((e as { code: string }).code),
        );
      });
    });
    expect(error).toBe("permission-denied");
    await expect
      .poll(() => page.evaluate(() => window.recorded.allowed?.find((s) => !s.fromCache)?.data))
      .toEqual({ theme: "dark" });
  });

  it("deny a signed-out page what only a user may read", async () => {
    const page = await fixture.openPage();
    const code = await page.evaluate(() =>
      window.sdk.getDocFromServer(window.sdk.doc(window.db, "settings/alice")).then(
        () => "ok",
        (e: { code: string }) => e.code,
      ),
    );
    expect(code).toBe("permission-denied");
  });
});

describe("rules for firebase/firestore/lite in Chromium (REST)", () => {
  it("let a signed-in page write, read and transact on its own document", async () => {
    const page = await fixture.openLitePage({ user: "alice" });
    const result = await page.evaluate(async () => {
      const { doc, setDoc, getDoc, runTransaction } = window.lite;
      const ref = doc(window.liteDb, "settings/alice");
      await setDoc(ref, { theme: "dark", saves: 0 });
      await runTransaction(window.liteDb, async (tx) => {
        const saves = (await tx.get(ref)).data()!.saves as number;
        tx.update(ref, { saves: saves + 1 });
      });
      return (await getDoc(ref)).data();
    });
    expect(result).toEqual({ theme: "dark", saves: 1 });
  });

  it("deny another user's document and a signed-out page", async () => {
    const alice = await fixture.openLitePage({ user: "alice" });
    const signedOut = await fixture.openLitePage();
    const attempt = (page: typeof alice, path: string, write: boolean) =>
      page.evaluate(
        async ({ path, write }) => {
          const { doc, setDoc, getDoc } = window.lite;
          const ref = doc(window.liteDb, path);
          try {
            if (write) await setDoc(ref, { theme: "pink" });
            else await getDoc(ref);
            return "ok";
          } catch (e) {
            return (e as { code: string }).code;
          }
        },
        { path, write },
      );
    expect(await attempt(alice, "settings/bob", true)).toBe("permission-denied");
    expect(await attempt(alice, "settings/bob", false)).toBe("permission-denied");
    expect(await attempt(signedOut, "settings/alice", false)).toBe("permission-denied");
    expect(await attempt(signedOut, "public/anything", false)).toBe("ok");
    expect(await asOwner("settings/bob")).toBe(404);
  });
});
