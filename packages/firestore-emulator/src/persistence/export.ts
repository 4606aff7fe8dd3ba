import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { EmulatorCore } from "../emulator-core.ts";
import type { StoredDocument } from "../model/document.ts";
import { type PlacedDocument, readDocumentFile, writeDocumentFile } from "./document-file.ts";

/** The file a data folder (`--import`, `--export_on_exit`) holds. */
export const DATA_FILE = "firestore-data.json";
const EXPORT_FORMAT = "rookery-firestore-export";
/** Documents handed to a database at once while importing. */
const IMPORT_BATCH = 1000;

/** Every document of every database, each database read at one instant: a consistent export. */
function* consistentDocuments(core: EmulatorCore): Generator<PlacedDocument> {
  for (const db of core.allDatabases()) {
    const at = db.clock.now();
    for (const doc of db.store.allDocumentsAt(at)) yield { db: db.id, doc };
  }
}

/**
 * Writes every live document of every database to `dir/firestore-data.json`, atomically and
 * streamed (one JSON line per document, never one giant string). Each database is exported as of
 * one read time, so writes that land meanwhile are either wholly in or wholly out.
 */
export async function exportData(core: EmulatorCore, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const { documents } = await writeDocumentFile(
    path.join(dir, DATA_FILE),
    EXPORT_FORMAT,
    consistentDocuments(core),
  );
  return documents;
}

/** Loads `dir/firestore-data.json` if it exists (streamed); returns how many documents were loaded. */
export async function importData(core: EmulatorCore, dir: string): Promise<number> {
  const file = path.join(dir, DATA_FILE);
  const pending = new Map<string, { db: ReturnType<EmulatorCore["database"]>; docs: StoredDocument[] }>();
  const flush = () => {
    for (const { db, docs } of pending.values()) db.load(docs);
    pending.clear();
  };
  let count = 0;
  try {
    const scan = await readDocumentFile(file, EXPORT_FORMAT, (id, doc) => {
      const key = `${id.projectId}/${id.databaseId}`;
      let entry = pending.get(key);
      if (!entry) {
        entry = { db: core.database(id), docs: [] };
        pending.set(key, entry);
      }
      entry.docs.push(doc);
      if (++count % IMPORT_BATCH === 0) flush();
    });
    flush();
    if (!scan.complete) throw new Error(`${file} is incomplete (cut short); it was not imported whole.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  return count;
}
