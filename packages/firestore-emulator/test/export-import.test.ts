import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningFirestoreEmulator, startFirestoreEmulator } from "../src/index.ts";
import { adminFirestore } from "./helpers.ts";

const PROJECT = "demo-export";
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "fs-export-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(
  options: { dataDir?: string; importDir?: string } = {},
): Promise<RunningFirestoreEmulator> {
  const emulator = await startFirestoreEmulator({ port: 0, projectId: PROJECT, log: () => {}, ...options });
  cleanups.push(() => emulator.stop());
  return emulator;
}

function admin(emulator: RunningFirestoreEmulator) {
  const a = adminFirestore(emulator, PROJECT);
  cleanups.push(() => a.close());
  return a.db;
}

describe("export and import", () => {
  it("exports one JSON line per document (streamed, never one giant string) and imports them back", async () => {
    const first = await start();
    const db = admin(first);
    const big = "x".repeat(1_000_000);
    for (let i = 0; i < 12; i++)
      await db.doc(`big/${i}`).set({ i, big, at: new Date(i), bytes: Buffer.from([i]) });
    const dir = await tempDir();
    await first.exportData(dir);
    const lines = (await readFile(path.join(dir, "firestore-data.json"), "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(14);
    expect(JSON.parse(lines[0]!)).toEqual({ format: "rookery-firestore-export", version: 2 });
    expect(JSON.parse(lines.at(-1)!)).toEqual({ end: true, documents: 12 });

    const second = await start({ importDir: dir });
    expect(second.imported).toBe(12);
    const snap = await admin(second).doc("big/7").get();
    expect(snap.get("big")).toHaveLength(1_000_000);
    expect(snap.get("at").toMillis()).toBe(7);
    expect([...snap.get("bytes")]).toEqual([7]);
  });

  it("still imports the single-object export earlier versions wrote", async () => {
    const dir = await tempDir();
    const legacy = {
      version: 1,
      databases: [
        {
          projectId: PROJECT,
          databaseId: "(default)",
          documents: [
            {
              path: "old/one",
              createTime: 1_000_000,
              updateTime: 2_000_000,
              fields: { n: { integerValue: "1" } },
            },
          ],
        },
      ],
    };
    await writeFile(path.join(dir, "firestore-data.json"), JSON.stringify(legacy));
    const emulator = await start({ importDir: dir });
    const snap = await admin(emulator).doc("old/one").get();
    expect(snap.get("n")).toBe(1);
    expect(snap.updateTime?.toMillis()).toBe(2000);
  });

  it("seeds an empty data directory from --import, durably, and skips the import once it holds data", async () => {
    const exportDir = await tempDir();
    const source = await start();
    await admin(source).doc("seed/a").set({ v: "from the export" });
    await source.exportData(exportDir);

    const dataDir = await tempDir();
    const first = await start({ dataDir, importDir: exportDir });
    expect(first.imported).toBe(1);
    await admin(first).doc("seed/a").set({ v: "changed since" });
    await first.stop();

    const second = await start({ dataDir, importDir: exportDir });
    expect(second.imported).toBe(0);
    expect((await admin(second).doc("seed/a").get()).get("v")).toBe("changed since");
  });
});
