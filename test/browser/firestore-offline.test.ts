// The offline-first path the app's drafts depend on: the SDK's persistent cache (IndexedDB) in
// Chromium across reloads, writes queued while the network or the engine is away, and the
// hasPendingWrites/fromCache flags listeners report through all of it.
import { describe, expect, it } from "vitest";
import { executableEngine } from "./support/engines.ts";
import { useBrowserFirestore } from "./support/firestore-fixture.ts";
import { initFirestore, latestSnapshot } from "./support/firestore-page.ts";
import { grpcWebFirestore } from "./support/node-clients.ts";

const PROJECT = "demo-browser-offline";
// The executable, as `npm start` runs it: the restart below is a real SIGTERM, export and --import.
const fixture = useBrowserFirestore(PROJECT, executableEngine);

/** What the server holds at `path`, read by a gRPC client. */
async function serverCopy(path: string) {
  const client = await grpcWebFirestore(fixture.engine, PROJECT);
  try {
    return await client.get(path);
  } finally {
    await client.close();
  }
}

describe("the persistent cache in a browser", () => {
  it("keeps documents across a reload and serves them with the network gone", async () => {
    const page = await fixture.openPage({ persistence: true });
    await page.evaluate(async () => {
      const { doc, setDoc, getDocsFromServer, collection } = window.sdk;
      await setDoc(doc(window.db, "drafts/d1"), { text: "first draft" });
      await getDocsFromServer(collection(window.db, "drafts"));
    });
    await page.reload();
    await initFirestore(page, fixture.firestoreOptions({ persistence: true }));
    await fixture.context.setOffline(true);
    const cached = await page.evaluate(async () => {
      const { doc, getDocFromCache } = window.sdk;
      return (await getDocFromCache(doc(window.db, "drafts/d1"))).data();
    });
    expect(cached).toEqual({ text: "first draft" });
    await page.evaluate(() => window.record("d1", window.sdk.doc(window.db, "drafts/d1")));
    await expect
      .poll(() => latestSnapshot(page, "d1"))
      .toMatchObject({ data: { text: "first draft" }, fromCache: true, hasPendingWrites: false });
    await fixture.context.setOffline(false);
    await expect.poll(() => latestSnapshot(page, "d1")).toMatchObject({ fromCache: false });
  });

  it("queues writes made offline, shows them as pending, and syncs them when the network returns", async () => {
    const page = await fixture.openPage({ persistence: true });
    await page.evaluate(() => window.record("d2", window.sdk.doc(window.db, "drafts/d2")));
    await expect.poll(() => latestSnapshot(page, "d2")).toMatchObject({ exists: false, fromCache: false });
    await fixture.context.setOffline(true);
    await page.evaluate(() => {
      // Not awaited: the promise settles only once the server acknowledges the write.
      void window.sdk.setDoc(window.sdk.doc(window.db, "drafts/d2"), { text: "written offline" });
    });
    await expect
      .poll(() => latestSnapshot(page, "d2"))
      .toMatchObject({ data: { text: "written offline" }, hasPendingWrites: true, fromCache: true });
    expect(await serverCopy("drafts/d2")).toBeUndefined();
    await fixture.context.setOffline(false);
    await expect
      .poll(() => latestSnapshot(page, "d2"), { timeout: 20_000 })
      .toMatchObject({ data: { text: "written offline" }, hasPendingWrites: false, fromCache: false });
    expect(await serverCopy("drafts/d2")).toEqual({ text: "written offline" });
  });

  it("delivers writes made while the engine was down, across a reload, once it is back", async () => {
    const page = await fixture.openPage({ persistence: true });
    await page.evaluate(() => window.sdk.setDoc(window.sdk.doc(window.db, "drafts/d3"), { text: "v1" }));
    await fixture.engine.restart(async () => {
      await page.evaluate(() => {
        window.record("before reload", window.sdk.doc(window.db, "drafts/d3"));
        void window.sdk.setDoc(window.sdk.doc(window.db, "drafts/d3"), { text: "v2, engine down" });
      });
      // The SDK shows a write as pending once it is in its IndexedDB queue: only then may the page go.
      await expect
        .poll(() => latestSnapshot(page, "before reload"))
        .toMatchObject({ data: { text: "v2, engine down" }, hasPendingWrites: true });
      await page.reload();
      await initFirestore(page, fixture.firestoreOptions({ persistence: true }));
      await page.evaluate(() => window.record("d3", window.sdk.doc(window.db, "drafts/d3")));
      await expect
        .poll(() => latestSnapshot(page, "d3"))
        .toMatchObject({ data: { text: "v2, engine down" }, hasPendingWrites: true, fromCache: true });
    });
    await expect
      .poll(() => latestSnapshot(page, "d3"), { timeout: 30_000 })
      .toMatchObject({ data: { text: "v2, engine down" }, hasPendingWrites: false, fromCache: false });
    expect(await serverCopy("drafts/d3")).toEqual({ text: "v2, engine down" });
  });
});
