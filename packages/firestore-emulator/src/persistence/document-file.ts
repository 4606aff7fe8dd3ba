import { createReadStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { StoredDocument } from "../model/document.ts";
import type { DatabaseId } from "../model/path.ts";
import { databaseOfLine, documentFromLine, documentToLine } from "./value-json.ts";

/** A document together with the database it belongs to. */
export interface PlacedDocument {
  readonly db: DatabaseId;
  readonly doc: StoredDocument;
}

/** Bytes gathered before each write: big enough to be cheap, small enough to let requests through. */
const CHUNK_BYTES = 1024 * 1024;

/** Makes a rename or a new file in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes documents as JSON lines (a header line, one line per document, an end line with the
 * count) to `target`, atomically: a temporary file is written and synced, then renamed over the
 * target. Documents are streamed from the iterable in chunks, so no single giant string is built
 * and the event loop keeps serving between chunks. Returns the number of documents and bytes.
 */
export async function writeDocumentFile(
  target: string,
  format: string,
  documents: Iterable<PlacedDocument>,
): Promise<{ documents: number; bytes: number }> {
  const temporary = `${target}.tmp-${process.pid}`;
  const handle = await open(temporary, "w");
  let count = 0;
  let bytes = 0;
  try {
    let chunk: string[] = [JSON.stringify({ format, version: 2 })];
    let chunkLength = chunk[0]!.length;
    const flush = async () => {
      const data = Buffer.from(`${chunk.join("\n")}\n`);
      chunk = [];
      chunkLength = 0;
      let offset = 0;
      while (offset < data.length) {
        offset += (await handle.write(data, offset, data.length - offset, null)).bytesWritten;
      }
      bytes += data.length;
    };
    for (const { db, doc } of documents) {
      const line = JSON.stringify(documentToLine(db, doc));
      chunk.push(line);
      chunkLength += line.length;
      count++;
      if (chunkLength >= CHUNK_BYTES) await flush();
    }
    chunk.push(JSON.stringify({ end: true, documents: count }));
    await flush();
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, target);
  await syncDirectory(path.dirname(target));
  return { documents: count, bytes };
}

/** What reading a document file found. */
export interface DocumentFileScan {
  readonly documents: number;
  /** Whether the end line was there (a file cut short by a crash has none). */
  readonly complete: boolean;
}

/** The legacy (version 1) export: one JSON object holding every database and document. */
interface LegacyFile {
  version: 1;
  databases: { projectId: string; databaseId: string; documents: Record<string, unknown>[] }[];
}

/**
 * Reads a file written by `writeDocumentFile` line by line, handing each document to `onDocument`.
 * Also reads the single-object version 1 export older emulator versions wrote.
 */
export async function readDocumentFile(
  file: string,
  format: string,
  onDocument: (db: DatabaseId, doc: StoredDocument) => void,
): Promise<DocumentFileScan> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let documents = 0;
  let lineNumber = 0;
  let header = false;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line === "") continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // A crash can cut the last line of a file that was being written; that file has no end line.
        return { documents, complete: false };
      }
      if (!header) {
        header = true;
        if (parsed.version === 1 && Array.isArray(parsed.databases)) {
          return { documents: readLegacy(parsed as unknown as LegacyFile, onDocument), complete: true };
        }
        if (parsed.format !== format || parsed.version !== 2) {
          throw new Error(`${file} is not a ${format} file (unknown header).`);
        }
        continue;
      }
      if (parsed.end === true) {
        if (parsed.documents !== documents) {
          throw new Error(
            `${file} says it holds ${String(parsed.documents)} documents but has ${documents}.`,
          );
        }
        return { documents, complete: true };
      }
      try {
        onDocument(databaseOfLine(parsed), documentFromLine(databaseOfLine(parsed), parsed));
      } catch (error) {
        throw new Error(`${file}, line ${lineNumber}: ${(error as Error).message}`);
      }
      documents++;
    }
  } finally {
    lines.close();
  }
  return { documents, complete: false };
}

function readLegacy(file: LegacyFile, onDocument: (db: DatabaseId, doc: StoredDocument) => void): number {
  let count = 0;
  for (const entry of file.databases) {
    const db = { projectId: entry.projectId, databaseId: entry.databaseId };
    for (const d of entry.documents) {
      onDocument(db, documentFromLine(db, d));
      count++;
    }
  }
  return count;
}
