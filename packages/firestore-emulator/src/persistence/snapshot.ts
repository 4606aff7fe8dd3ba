import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { EmulatorCore } from "../emulator-core.ts";
import type { StoredDocument } from "../model/document.ts";
import { documentName } from "../model/path.ts";
import type { Value } from "../model/values.ts";

/** The file a data folder holds. */
export const DATA_FILE = "firestore-data.json";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value in JSON: one key naming the type, like Firestore's REST encoding (doubles may be strings). */
function valueToJson(v: Value): Json {
  switch (v.kind) {
    case "null":
      return { nullValue: null };
    case "boolean":
      return { booleanValue: v.value };
    case "integer":
      return { integerValue: v.value.toString() };
    case "double":
      return { doubleValue: Number.isFinite(v.value) ? v.value : String(v.value) };
    case "timestamp":
      return { timestampValue: { seconds: v.seconds, nanos: v.nanos } };
    case "string":
      return { stringValue: v.value };
    case "bytes":
      return { bytesValue: Buffer.from(v.value).toString("base64") };
    case "reference":
      return { referenceValue: v.value };
    case "geoPoint":
      return { geoPointValue: { latitude: v.latitude, longitude: v.longitude } };
    case "array":
      return { arrayValue: v.values.map(valueToJson) };
    case "map":
      return { mapValue: fieldsToJson(v.fields) };
  }
}

function fieldsToJson(fields: ReadonlyMap<string, Value>): Json {
  const out: { [key: string]: Json } = Object.create(null);
  for (const [k, v] of fields) out[k] = valueToJson(v);
  return out;
}

function valueFromJson(j: Record<string, never>): Value {
  const [kind] = Object.keys(j);
  const x = j[kind as keyof typeof j] as unknown;
  switch (kind) {
    case "nullValue":
      return { kind: "null" };
    case "booleanValue":
      return { kind: "boolean", value: x as boolean };
    case "integerValue":
      return { kind: "integer", value: BigInt(x as string) };
    case "doubleValue":
      return { kind: "double", value: Number(x) };
    case "timestampValue": {
      const t = x as { seconds: number; nanos: number };
      return { kind: "timestamp", seconds: t.seconds, nanos: t.nanos };
    }
    case "stringValue":
      return { kind: "string", value: x as string };
    case "bytesValue":
      return { kind: "bytes", value: new Uint8Array(Buffer.from(x as string, "base64")) };
    case "referenceValue":
      return { kind: "reference", value: x as string };
    case "geoPointValue": {
      const g = x as { latitude: number; longitude: number };
      return { kind: "geoPoint", latitude: g.latitude, longitude: g.longitude };
    }
    case "arrayValue":
      return { kind: "array", values: (x as Record<string, never>[]).map(valueFromJson) };
    case "mapValue":
      return { kind: "map", fields: fieldsFromJson(x as Record<string, Record<string, never>>) };
    default:
      throw new Error(`Unknown value type "${kind}" in the data file.`);
  }
}

function fieldsFromJson(j: Record<string, Record<string, never>>): Map<string, Value> {
  return new Map(Object.keys(j).map((k) => [k, valueFromJson(j[k]!)]));
}

interface FileDocument {
  path: string;
  createTime: number;
  updateTime: number;
  fields: Json;
}

interface DataFile {
  version: 1;
  databases: { projectId: string; databaseId: string; documents: FileDocument[] }[];
}

/** Writes every live document of every database to `dir/firestore-data.json` (atomically). */
export async function exportData(core: EmulatorCore, dir: string): Promise<void> {
  const file: DataFile = {
    version: 1,
    databases: core.allDatabases().map((db) => ({
      projectId: db.id.projectId,
      databaseId: db.id.databaseId,
      documents: [...db.store.allDocuments()].map((d) => ({
        path: d.path,
        createTime: d.createTime,
        updateTime: d.updateTime,
        fields: fieldsToJson(d.fields),
      })),
    })),
  };
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, DATA_FILE);
  await writeFile(`${target}.tmp`, JSON.stringify(file));
  await rename(`${target}.tmp`, target);
}

/** Loads `dir/firestore-data.json` if it exists; returns how many documents were loaded. */
export async function importData(core: EmulatorCore, dir: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path.join(dir, DATA_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  const file = JSON.parse(text) as DataFile;
  if (file.version !== 1) throw new Error(`Unsupported data file version ${String(file.version)}.`);
  let count = 0;
  for (const entry of file.databases) {
    const db = core.database({ projectId: entry.projectId, databaseId: entry.databaseId });
    const docs: StoredDocument[] = entry.documents.map((d) => ({
      name: documentName(db.id, d.path),
      path: d.path,
      createTime: d.createTime,
      updateTime: d.updateTime,
      fields: fieldsFromJson(d.fields as Record<string, Record<string, never>>),
    }));
    db.load(docs);
    count += docs.length;
  }
  return count;
}
