import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createJournalFile, encodeFrame, JournalWriter, scanJournal } from "../../src/persistence/journal.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function journalWith(records: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "journal-unit-"));
  dirs.push(dir);
  const file = path.join(dir, "journal-0.log");
  const writer = new JournalWriter(await createJournalFile(file), 8, { sync: true, groupCommit: true });
  await Promise.all(
    records.map(
      (r) =>
        new Promise<void>((resolve, reject) =>
          writer.append(Buffer.from(r), (e) => (e ? reject(e) : resolve())),
        ),
    ),
  );
  await writer.close();
  return file;
}

async function scan(file: string) {
  const records: string[] = [];
  const { tornBytes } = await scanJournal(file, (payload) => records.push(payload.toString()));
  return { records, tornBytes };
}

describe("the journal", () => {
  it("reads back every record in order", async () => {
    const file = await journalWith(["one", "two", "three"]);
    expect(await scan(file)).toMatchObject({ records: ["one", "two", "three"], tornBytes: 0 });
  });

  it("runs the callbacks of a group commit in append order", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "journal-unit-"));
    dirs.push(dir);
    const writer = new JournalWriter(await createJournalFile(path.join(dir, "j.log")), 8, {
      sync: true,
      groupCommit: true,
    });
    const order: number[] = [];
    await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          new Promise<void>((resolve) =>
            writer.append(Buffer.from(`r${i}`), () => resolve(void order.push(i))),
          ),
      ),
    );
    await writer.close();
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("stops at a record cut short and reports the torn bytes", async () => {
    const file = await journalWith(["kept"]);
    const torn = encodeFrame(Buffer.from("never acknowledged")).subarray(0, 12);
    await writeFile(file, Buffer.concat([await readFile(file), torn]));
    expect(await scan(file)).toMatchObject({ records: ["kept"], tornBytes: 12 });
  });

  it("stops at a record whose checksum does not match", async () => {
    const file = await journalWith(["kept", "damaged"]);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(file, bytes);
    expect(await scan(file)).toMatchObject({ records: ["kept"], tornBytes: 8 + "damaged".length });
  });

  it("treats zeros where a record should be as the end of the journal", async () => {
    const file = await journalWith(["kept"]);
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.alloc(64)]));
    expect(await scan(file)).toMatchObject({ records: ["kept"], tornBytes: 64 });
  });

  it("refuses a file that is not a journal", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "journal-unit-"));
    dirs.push(dir);
    const file = path.join(dir, "x.log");
    const handle = await open(file, "w");
    await handle.write("not a journal at all");
    await handle.close();
    await expect(scanJournal(file, () => {})).rejects.toThrow("is not a Firestore emulator journal");
  });
});
