// Realtime listeners in Chromium: many per page, changes made elsewhere (another browser, a gRPC
// client), and each WebChannel mode the SDK can pick: streaming, forced long polling, auto-detection.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useBrowserFirestore } from "./support/firestore-fixture.ts";
import { type BrowserTransportMode, latestSnapshot } from "./support/firestore-page.ts";
import { grpcWebFirestore } from "./support/node-clients.ts";

const PROJECT = "demo-browser-listen";
const fixture = useBrowserFirestore(PROJECT);

/** Every channel request a page makes, to tell which WebChannel mode it used. */
function channelRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/channel?")) urls.push(request.url());
  });
  return urls;
}

describe("listeners in a browser", () => {
  it("keeps many listeners on one page current", async () => {
    const page = await fixture.openPage();
    await page.evaluate(() => {
      const { doc, collection, query, where } = window.sdk;
      for (let i = 0; i < 20; i++) window.record(`doc${i}`, doc(window.db, `rooms/r${i}`));
      for (let g = 0; g < 5; g++) {
        window.record(`group${g}`, query(collection(window.db, "rooms"), where("group", "==", g)));
      }
    });
    const writer = await fixture.openPage();
    await writer.evaluate(async () => {
      const { doc, writeBatch } = window.sdk;
      const batch = writeBatch(window.db);
      for (let i = 0; i < 20; i++) batch.set(doc(window.db, `rooms/r${i}`), { group: i % 5, n: i });
      await batch.commit();
    });
    for (let i = 0; i < 20; i++) {
      await expect
        .poll(() => latestSnapshot(page, `doc${i}`))
        .toMatchObject({ exists: true, data: { n: i }, fromCache: false, hasPendingWrites: false });
    }
    for (let g = 0; g < 5; g++) {
      const members = [g, g + 5, g + 10, g + 15].map((i) => `r${i}`).sort();
      await expect
        .poll(async () => (await latestSnapshot(page, `group${g}`))?.docs?.map((d) => d.id).sort())
        .toEqual(members);
    }
  });

  it("reports additions, modifications and removals as document changes", async () => {
    const page = await fixture.openPage();
    await page.evaluate(() => {
      const { collection, query, where } = window.sdk;
      window.record("open", query(collection(window.db, "tickets"), where("open", "==", true)));
    });
    await expect.poll(() => latestSnapshot(page, "open")).toMatchObject({ docs: [], fromCache: false });
    const client = await grpcWebFirestore(fixture.engine, PROJECT);
    try {
      await client.set("tickets/t1", { open: true, title: "one" });
      await expect
        .poll(() => latestSnapshot(page, "open"))
        .toMatchObject({ changes: [{ type: "added", id: "t1" }] });
      await client.set("tickets/t1", { open: true, title: "uno" });
      await expect
        .poll(() => latestSnapshot(page, "open"))
        .toMatchObject({ changes: [{ type: "modified", id: "t1" }], docs: [{ data: { title: "uno" } }] });
      await client.set("tickets/t1", { open: false, title: "uno" });
      await expect
        .poll(() => latestSnapshot(page, "open"))
        .toMatchObject({ changes: [{ type: "removed", id: "t1" }], docs: [] });
      await client.set("tickets/t2", { open: true });
      await client.remove("tickets/t2");
      await expect.poll(async () => (await latestSnapshot(page, "open"))?.docs).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("shows a local write at once as pending, then as acknowledged", async () => {
    const page = await fixture.openPage();
    const states = await page.evaluate(async () => {
      const { doc, setDoc } = window.sdk;
      const ref = doc(window.db, "notes/n1");
      window.record("note", ref);
      await setDoc(ref, { text: "hi" });
      return window.recorded.note!.map((s) => [s.exists, s.hasPendingWrites]);
    });
    expect(states).toContainEqual([true, true]);
    await expect
      .poll(() => latestSnapshot(page, "note"))
      .toMatchObject({ exists: true, hasPendingWrites: false, fromCache: false, data: { text: "hi" } });
  });
});

// Auto-detection times the first back channel against twice the handshake's round trip, which on
// loopback is a millisecond or two, so either outcome is legitimate there.
describe.each<[BrowserTransportMode, RegExp]>([
  ["streaming", /CI=0/],
  ["long-polling", /CI=1/],
  ["auto-detect", /CI=[01]/],
])("the %s WebChannel mode", (transport, backChannelParam) => {
  it("carries writes and listener updates both ways", async () => {
    const reader = await fixture.openPage({ transport });
    const requests = channelRequests(reader);
    await reader.evaluate(() => window.record("board", window.sdk.doc(window.db, "boards/main")));
    const writer = await fixture.openPage({ transport });
    for (let v = 1; v <= 3; v++) {
      await writer.evaluate((n) => window.sdk.setDoc(window.sdk.doc(window.db, "boards/main"), { v: n }), v);
      await expect
        .poll(() => latestSnapshot(reader, "board"))
        .toMatchObject({ data: { v }, fromCache: false, hasPendingWrites: false });
    }
    await reader.evaluate(() =>
      window.sdk.setDoc(window.sdk.doc(window.db, "boards/other"), { from: "reader" }),
    );
    const back = requests.filter((url) => url.includes("RID=rpc"));
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((url) => backChannelParam.test(url))).toBe(true);
  });
});
