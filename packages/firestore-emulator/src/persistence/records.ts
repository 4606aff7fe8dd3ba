import { type DatabaseId, documentName } from "../model/path.ts";
import type { CommitRecord } from "../store/commit-log.ts";
import { fieldsFromJson, fieldsToJson, type Json } from "./value-json.ts";

/**
 * Encodes a record as compact JSON. A commit carries full after-images rather than the mutations,
 * so replaying it is idempotent and never depends on the state it was applied to.
 */
export function encodeRecord(record: CommitRecord): Buffer {
  const db = [record.db.projectId, record.db.databaseId];
  if (record.kind === "clear") return Buffer.from(JSON.stringify({ k: "clear", db, t: record.time }));
  const writes = record.writes.map(
    (w): Json =>
      w.doc
        ? { p: w.path, c: w.doc.createTime, u: w.doc.updateTime, f: fieldsToJson(w.doc.fields) }
        : { p: w.path, d: true },
  );
  return Buffer.from(JSON.stringify({ k: "commit", db, t: record.time, w: writes }));
}

/** Decodes a record written by `encodeRecord`. */
export function decodeRecord(payload: Buffer): CommitRecord {
  const raw = JSON.parse(payload.toString("utf8")) as {
    k: string;
    db: [string, string];
    t: number;
    w?: { p: string; c?: number; u?: number; f?: unknown; d?: boolean }[];
  };
  const db: DatabaseId = { projectId: String(raw.db[0]), databaseId: String(raw.db[1]) };
  const time = Number(raw.t);
  if (raw.k === "clear") return { kind: "clear", db, time };
  if (raw.k !== "commit" || !Array.isArray(raw.w)) throw new Error(`Unknown journal record kind "${raw.k}".`);
  return {
    kind: "commit",
    db,
    time,
    writes: raw.w.map((w) => ({
      path: w.p,
      doc: w.d
        ? null
        : {
            name: documentName(db, w.p),
            path: w.p,
            createTime: Number(w.c),
            updateTime: Number(w.u),
            fields: fieldsFromJson(w.f),
          },
    })),
  };
}
