// Transactions and batched writes from Chromium: the SDK reads with batchGet and commits with
// preconditions over JSON POSTs; batches go through the Write channel.
import { describe, expect, it } from "vitest";
import { useBrowserFirestore } from "./support/firestore-fixture.ts";
import { grpcWebFirestore } from "./support/node-clients.ts";

const PROJECT = "demo-browser-tx";
const fixture = useBrowserFirestore(PROJECT);

describe("transactions from a browser", () => {
  it("reads and writes atomically", async () => {
    const page = await fixture.openPage();
    const balances = await page.evaluate(async () => {
      const { doc, setDoc, runTransaction, getDocFromServer } = window.sdk;
      const from = doc(window.db, "accounts/a");
      const to = doc(window.db, "accounts/b");
      await setDoc(from, { balance: 100 });
      await setDoc(to, { balance: 0 });
      await runTransaction(window.db, async (tx) => {
        const a = (await tx.get(from)).data()!.balance as number;
        const b = (await tx.get(to)).data()!.balance as number;
        tx.update(from, { balance: a - 30 });
        tx.update(to, { balance: b + 30 });
      });
      return [(await getDocFromServer(from)).data(), (await getDocFromServer(to)).data()];
    });
    expect(balances).toEqual([{ balance: 70 }, { balance: 30 }]);
  });

  it("counts every increment when pages race on one counter", async () => {
    const pages = await Promise.all([fixture.openPage(), fixture.openPage(), fixture.openPage()]);
    await pages[0]!.evaluate(() => window.sdk.setDoc(window.sdk.doc(window.db, "counters/likes"), { n: 0 }));
    await Promise.all(
      pages.map((page) =>
        page.evaluate(async () => {
          const { doc, runTransaction } = window.sdk;
          const ref = doc(window.db, "counters/likes");
          for (let i = 0; i < 5; i++) {
            await runTransaction(window.db, async (tx) => {
              const n = (await tx.get(ref)).data()!.n as number;
              tx.set(ref, { n: n + 1 });
            });
          }
        }),
      ),
    );
    const client = await grpcWebFirestore(fixture.engine, PROJECT);
    try {
      expect(await client.get("counters/likes")).toEqual({ n: 15 });
    } finally {
      await client.close();
    }
  });

  it("checks documents it read but did not write (Write.verify), retrying when one changed", async () => {
    const page = await fixture.openPage();
    const client = await grpcWebFirestore(fixture.engine, PROJECT);
    try {
      await client.set("prices/widget", { cents: 250 });
      await page.exposeFunction("reprice", () => client.set("prices/widget", { cents: 300 }));
      // The order only reads the price; the SDK commits it as a verify of the version it read.
      const commits = page.waitForRequest((r) => r.url().includes("documents:commit"));
      const attempts = await page.evaluate(async () => {
        const { doc, runTransaction } = window.sdk;
        let attempts = 0;
        await runTransaction(window.db, async (tx) => {
          const cents = (await tx.get(doc(window.db, "prices/widget"))).data()!.cents as number;
          if (++attempts === 1) await (window as unknown as { reprice(): Promise<void> }).reprice();
          tx.set(doc(window.db, "orders/o1"), { cents });
        });
        return attempts;
      });
      expect((await commits).postData()).toContain('"verify"');
      expect(attempts).toBe(2);
      expect(await client.get("orders/o1")).toEqual({ cents: 300 });
      expect(await client.get("prices/widget")).toEqual({ cents: 300 });
    } finally {
      await client.close();
    }
  });

  it("retries when another client changes what it read", async () => {
    const page = await fixture.openPage();
    const client = await grpcWebFirestore(fixture.engine, PROJECT);
    try {
      await client.set("stock/widget", { left: 10 });
      await page.exposeFunction("interfere", () => client.set("stock/widget", { left: 5 }));
      const attempts = await page.evaluate(async () => {
        const { doc, runTransaction } = window.sdk;
        const ref = doc(window.db, "stock/widget");
        let attempts = 0;
        await runTransaction(window.db, async (tx) => {
          const left = (await tx.get(ref)).data()!.left as number;
          if (++attempts === 1) await (window as unknown as { interfere(): Promise<void> }).interfere();
          tx.update(ref, { left: left - 1 });
        });
        return attempts;
      });
      expect(attempts).toBe(2);
      expect(await client.get("stock/widget")).toEqual({ left: 4 });
    } finally {
      await client.close();
    }
  });
});

describe("batched writes from a browser", () => {
  it("applies every write of a batch together", async () => {
    const page = await fixture.openPage();
    await page.evaluate(() => window.record("inbox", window.sdk.collection(window.db, "inbox")));
    await page.evaluate(async () => {
      const { doc, writeBatch } = window.sdk;
      const batch = writeBatch(window.db);
      for (let i = 0; i < 50; i++) batch.set(doc(window.db, `inbox/m${String(i).padStart(2, "0")}`), { i });
      await batch.commit();
    });
    const client = await grpcWebFirestore(fixture.engine, PROJECT);
    try {
      expect(await client.get("inbox/m49")).toEqual({ i: 49 });
    } finally {
      await client.close();
    }
    // The listener never sees half a batch: one acknowledged snapshot with all 50.
    const sizes = await page.evaluate(() =>
      window.recorded.inbox!.filter((s) => !s.hasPendingWrites && !s.fromCache).map((s) => s.docs!.length),
    );
    expect(sizes.every((n) => n === 0 || n === 50)).toBe(true);
  });

  it("applies nothing when one write of a batch fails", async () => {
    const page = await fixture.openPage();
    const outcome = await page.evaluate(async () => {
      const { doc, writeBatch, getDocFromServer } = window.sdk;
      const batch = writeBatch(window.db);
      batch.set(doc(window.db, "orders/o1"), { ok: true });
      batch.update(doc(window.db, "orders/missing"), { ok: true });
      let code = "none";
      try {
        await batch.commit();
      } catch (error) {
        code = (error as { code: string }).code;
      }
      return { code, o1: (await getDocFromServer(doc(window.db, "orders/o1"))).exists() };
    });
    expect(outcome).toEqual({ code: "not-found", o1: false });
  });
});
