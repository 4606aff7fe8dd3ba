import { appendFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { callStream, callUnary, rawClient } from "./helpers.ts";
import { diskSandbox } from "./support/disk-full.ts";
import { crash, type EngineProcess, startEngine } from "./support/engine.ts";

const PROJECT = "demo-durable";
const DB = `projects/${PROJECT}/databases/(default)`;
const docName = (id: string) => `${DB}/documents/load/${id}`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "fs-durable-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function engineOn(dir: string, extra: string[] = []): Promise<EngineProcess> {
  const engine = await startEngine([`--project_id=${PROJECT}`, `--data_dir=${dir}`, ...extra]);
  cleanups.push(() => {
    if (engine.proc.exitCode === null && engine.proc.signalCode === null) engine.proc.kill("SIGKILL");
    return engine.exited;
  });
  return engine;
}

function client(engine: EngineProcess): ReturnType<typeof rawClient> {
  const c = rawClient(engine);
  cleanups.push(() => c.close());
  return c;
}

function commitOne(c: ReturnType<typeof rawClient>, id: string, value: number, padding = 100) {
  return callUnary(c, "Commit", {
    database: DB,
    writes: [
      {
        update: {
          name: docName(id),
          fields: { v: { integerValue: String(value) }, pad: { stringValue: "x".repeat(padding) } },
        },
      },
    ],
  });
}

/** Reads documents by id; missing ones map to undefined. */
async function readValues(
  c: ReturnType<typeof rawClient>,
  ids: string[],
): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const responses = await callStream<{ found?: { name: string; fields: { v: { integerValue: string } } } }>(
      c,
      "BatchGetDocuments",
      { database: DB, documents: batch.map(docName) },
    );
    for (const r of responses) {
      if (r.found) out.set(r.found.name.split("/").at(-1)!, Number(r.found.fields.v.integerValue));
    }
    for (const id of batch) if (!out.has(id)) out.set(id, undefined);
  }
  return out;
}

/**
 * Writes from many concurrent clients until `ackedTarget` writes are acknowledged, then kills the
 * engine with SIGKILL while writes are still in flight. Returns what was acknowledged.
 */
async function writeUntilCrash(
  engine: EngineProcess,
  ackedTarget: number,
  prefix: string,
): Promise<{ acked: Map<string, number>; attempted: Set<string> }> {
  const c = client(engine);
  const acked = new Map<string, number>();
  const attempted = new Set<string>();
  let crashed = false;
  const writers = Array.from({ length: 24 }, async (_, w) => {
    for (let i = 0; !crashed; i++) {
      const id = `${prefix}-w${w}-${i}`;
      attempted.add(id);
      try {
        await commitOne(c, id, i);
        acked.set(id, i);
      } catch {
        return; // the engine died under this write: it was never acknowledged
      }
    }
  });
  while (acked.size < ackedTarget) await new Promise((r) => setTimeout(r, 5));
  crashed = true;
  await crash(engine);
  await Promise.all(writers);
  return { acked, attempted };
}

describe("durability: every acknowledged write survives a crash", () => {
  it("keeps every write acknowledged before a kill -9 that lands mid-load", async () => {
    const dir = await dataDir();
    const { acked, attempted } = await writeUntilCrash(await engineOn(dir), 400, "a");

    const restarted = await engineOn(dir);
    expect(restarted.output()).toMatch(/Recovered \d+ documents and \d+ journal records/);
    const values = await readValues(client(restarted), [...attempted]);
    const lost = [...acked].filter(([id, v]) => values.get(id) !== v);
    expect(lost).toEqual([]);
  });

  it("recovers exactly the acknowledged writes across repeated crashes while the journal is compacted", async () => {
    const dir = await dataDir();
    const all = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      // A tiny compaction threshold keeps a snapshot being written nearly all the time.
      const engine = await engineOn(dir, ["--compact_after_bytes=4096"]);
      if (round > 0) {
        const values = await readValues(client(engine), [...all.keys()]);
        expect([...all].filter(([id, v]) => values.get(id) !== v)).toEqual([]);
      }
      const { acked } = await writeUntilCrash(engine, 200, `r${round}`);
      for (const [id, v] of acked) all.set(id, v);
    }
    const final = await engineOn(dir);
    const values = await readValues(client(final), [...all.keys()]);
    expect([...all].filter(([id, v]) => values.get(id) !== v)).toEqual([]);
    // Compaction really ran: older generations were replaced by a snapshot.
    expect((await readdir(dir)).some((f) => /^snapshot-\d+\.jsonl$/.test(f))).toBe(true);
  });

  it("drops a torn last record, says so, and keeps appending cleanly after it", async () => {
    const dir = await dataDir();
    const first = await engineOn(dir);
    const c1 = client(first);
    for (let i = 0; i < 5; i++) await commitOne(c1, `t${i}`, i);
    await crash(first);
    const journal = (await readdir(dir))
      .filter((f) => f.startsWith("journal-"))
      .sort()
      .at(-1)!;
    // Half a frame: a length that promises more bytes than follow, as a crash mid-write leaves.
    await appendFile(path.join(dir, journal), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]));

    const second = await engineOn(dir);
    expect(second.output()).toContain("dropped an incomplete last record (11 bytes)");
    const c2 = client(second);
    await commitOne(c2, "after", 42);
    await crash(second);

    const third = await engineOn(dir);
    expect(third.output()).not.toContain("dropped");
    const values = await readValues(client(third), ["t0", "t4", "after"]);
    expect([...values]).toEqual([
      ["t0", 0],
      ["t4", 4],
      ["after", 42],
    ]);
  });

  it("refuses a second engine on the same data directory with a clear error", async () => {
    const dir = await dataDir();
    const first = await engineOn(dir);
    await expect(startEngine([`--project_id=${PROJECT}`, `--data_dir=${dir}`])).rejects.toThrow(
      new RegExp(`data directory .* is in use by another Firestore emulator \\(pid ${first.proc.pid}\\)`),
    );
  });

  it("starts after a crash left a stale lock behind", async () => {
    const dir = await dataDir();
    const first = await engineOn(dir);
    await commitOne(client(first), "kept", 1);
    await crash(first);
    expect(await readFile(path.join(dir, "LOCK"), "utf8")).toBe(`${first.proc.pid}\n`);
    const second = await engineOn(dir);
    expect([...(await readValues(client(second), ["kept"]))]).toEqual([["kept", 1]]);
  });
});

describe("durability: a full disk", () => {
  it("refuses writes with a clear error, keeps serving reads, and never corrupts the store", async () => {
    const root = await dataDir();
    const sandbox = await diskSandbox(root, 96 * 1024);
    const engine = await startEngine([`--project_id=${PROJECT}`], { wrap: sandbox.wrap });
    const pid = sandbox.enginePid(engine.output(), engine.proc.pid!);
    cleanups.push(() => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
      return engine.exited;
    });
    const c = client(engine);
    const acked = new Map<string, number>();
    let refusal: grpc.ServiceError | undefined;
    for (let i = 0; i < 500 && !refusal; i++) {
      try {
        await commitOne(c, `full-${i}`, i, 4000);
        acked.set(`full-${i}`, i);
      } catch (error) {
        refusal = error as grpc.ServiceError;
      }
    }
    expect(acked.size).toBeGreaterThan(5);
    expect(refusal?.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(refusal?.details).toMatch(
      /out of disk space \((ENOSPC|EFBIG)\): this write was not saved and nothing changed/,
    );
    // Later writes are refused the same way; reads go on.
    await expect(commitOne(c, "refused", 1, 4000)).rejects.toMatchObject({ code: 8 });
    const readBack = await readValues(c, [...acked.keys()]);
    expect([...acked].filter(([id, v]) => readBack.get(id) !== v)).toEqual([]);
    expect((await readValues(c, ["refused"])).get("refused")).toBeUndefined();

    if (sandbox.free) {
      await sandbox.free();
      let written = false;
      for (let i = 0; i < 100 && !written; i++) {
        try {
          await commitOne(c, "after-free", 7, 4000);
          written = true;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(written).toBe(true);
      acked.set("after-free", 7);
    }
    process.kill(pid, "SIGKILL");
    await engine.exited;

    const restarted = await engineOn(sandbox.dataDirAfterExit);
    const c2 = client(restarted);
    const values = await readValues(c2, [...acked.keys(), "refused"]);
    expect([...acked].filter(([id, v]) => values.get(id) !== v)).toEqual([]);
    expect(values.get("refused")).toBeUndefined();
    await commitOne(c2, "later", 1);
    expect((await readValues(c2, ["later"])).get("later")).toBe(1);
  });
});
