import type { Random } from "./random.ts";

/**
 * Random but often plausible Firestore requests (structure-aware fuzzing), as protobufjs objects
 * (bytes as Buffers, timestamps as `{seconds, nanos}`); `toProto3Json` turns one into JSON text.
 */
export class RequestGenerator {
  private readonly rng: Random;
  private readonly db: string;

  constructor(rng: Random, project: string) {
    this.rng = rng;
    this.db = `projects/${project}/databases/(default)`;
  }

  database(): string {
    const r = this.rng;
    return r.chance(0.95)
      ? this.db
      : r.pick(["", "projects/x", `${this.db}/documents`, r.string(), "projects//databases/"]);
  }

  name(): string {
    const r = this.rng;
    const segments = Array.from({ length: r.pick([2, 2, 2, 4, 4, 1, 3, 0, 6]) }, () =>
      r.chance(0.92) ? r.pick(["c", "d", "fuzz", "x", "sub", "y"]) : r.string(),
    );
    const base = r.chance(0.95) ? `${this.db}/documents` : r.string();
    return segments.length ? `${base}/${segments.join("/")}` : base;
  }

  fieldPath(): string {
    const r = this.rng;
    return r.chance(0.7) ? r.pick(["a", "b", "a.b", "n", "`x y`", "__name__", "arr", "m.k"]) : r.string();
  }

  value(depth = 0): Record<string, unknown> {
    const r = this.rng;
    const deep = depth < 25 && r.chance(0.25);
    switch (r.int(0, deep ? 13 : 11)) {
      case 0:
        return { nullValue: 0 };
      case 1:
        return { booleanValue: r.chance(0.5) };
      case 2:
        return {
          integerValue: r.pick([
            "0",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            String(r.int(-1e6, 1e6)),
          ]),
        };
      case 3:
        return { doubleValue: r.pick([0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -1e308, 5e-324]) };
      case 4:
        return {
          timestampValue: {
            seconds: String(r.pick([0, -62135596801, 253402300800, r.int(0, 2e9)])),
            nanos: r.pick([0, -1, 999999999, 1e9]),
          },
        };
      case 5:
        return { stringValue: r.string() };
      case 6:
        return { bytesValue: r.bytes(r.int(0, 32)) };
      case 7:
        return { referenceValue: r.chance(0.5) ? this.name() : r.string() };
      case 8:
        return {
          geoPointValue: { latitude: r.pick([0, 91, -90, Number.NaN]), longitude: r.pick([0, 181, -180]) },
        };
      case 9:
      case 12:
        return { arrayValue: { values: Array.from({ length: r.int(0, 4) }, () => this.value(depth + 1)) } };
      case 10:
      case 13:
        return { mapValue: { fields: this.fields(depth + 1) } };
      default:
        return {};
    }
  }

  fields(depth = 0): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = this.rng.int(0, 4); i > 0; i--)
      out[this.rng.chance(0.7) ? this.rng.pick(["a", "b", "n", "arr", "m"]) : this.rng.string()] =
        this.value(depth);
    return out;
  }

  write(): Record<string, unknown> {
    const r = this.rng;
    const w: Record<string, unknown> = {};
    const kind = r.int(0, 3);
    if (kind === 0 || kind === 3) w.update = { name: this.name(), fields: this.fields() };
    if (kind === 1) w.delete = this.name();
    if (kind === 2 || kind === 3)
      w.updateTransforms = [
        {
          fieldPath: this.fieldPath(),
          ...r.pick([
            { setToServerValue: r.pick([0, 1, 5]) },
            { increment: this.value() },
            { maximum: this.value() },
            { appendMissingElements: { values: [this.value(), this.value()] } },
            { removeAllFromArray: { values: [this.value()] } },
          ]),
        },
      ];
    if (r.chance(0.3)) w.updateMask = { fieldPaths: [this.fieldPath(), this.fieldPath()] };
    if (r.chance(0.2))
      w.currentDocument = r.pick([{ exists: r.chance(0.5) }, { updateTime: { seconds: "1", nanos: 5 } }]);
    return w;
  }

  filter(depth = 0): Record<string, unknown> {
    const r = this.rng;
    if (depth < 6 && r.chance(0.3)) {
      return {
        compositeFilter: {
          op: r.pick([0, 1, 2, 9]),
          filters: Array.from({ length: r.int(0, 3) }, () => this.filter(depth + 1)),
        },
      };
    }
    if (r.chance(0.2)) return { unaryFilter: { op: r.int(0, 6), field: { fieldPath: this.fieldPath() } } };
    return { fieldFilter: { field: { fieldPath: this.fieldPath() }, op: r.int(0, 12), value: this.value() } };
  }

  structuredQuery(): Record<string, unknown> {
    const r = this.rng;
    const q: Record<string, unknown> = {
      from: [
        {
          collectionId: r.chance(0.8) ? r.pick(["c", "fuzz", "x"]) : r.string(),
          allDescendants: r.chance(0.3),
        },
      ],
    };
    if (r.chance(0.6)) q.where = this.filter();
    if (r.chance(0.4)) q.orderBy = [{ field: { fieldPath: this.fieldPath() }, direction: r.int(0, 3) }];
    if (r.chance(0.3)) q.startAt = { values: [this.value()], before: r.chance(0.5) };
    if (r.chance(0.2)) q.endAt = { values: [this.value(), this.value()], before: r.chance(0.5) };
    if (r.chance(0.3)) q.limit = { value: r.pick([0, 1, -1, 2147483647]) };
    if (r.chance(0.2)) q.offset = r.pick([0, 1, -5, 1e9]);
    if (r.chance(0.2)) q.select = { fields: [{ fieldPath: this.fieldPath() }] };
    return q;
  }

  consistency(): Record<string, unknown> {
    const r = this.rng;
    return r.pick([
      {},
      {},
      {},
      {},
      { transaction: r.bytes(r.int(0, 16)) },
      { newTransaction: r.chance(0.5) ? { readOnly: {} } : { readWrite: {} } },
      { readTime: { seconds: String(r.pick([0, 1e10, -1, Math.floor(Date.now() / 1000)])), nanos: 0 } },
    ]);
  }

  request(method: string): Record<string, unknown> {
    const r = this.rng;
    switch (method) {
      case "GetDocument":
        return {
          name: this.name(),
          ...this.consistency(),
          ...(r.chance(0.3) ? { mask: { fieldPaths: [this.fieldPath()] } } : {}),
        };
      case "BatchGetDocuments":
        return {
          database: this.database(),
          documents: Array.from({ length: r.int(0, 4) }, () => this.name()),
          ...this.consistency(),
        };
      case "ListDocuments":
        return {
          parent: this.name(),
          collectionId: r.string(),
          pageSize: r.int(-2, 5),
          pageToken: r.pick(["", "1", "-3", "x"]),
          showMissing: r.chance(0.5),
          ...this.consistency(),
        };
      case "ListCollectionIds":
        return { parent: this.name(), pageSize: r.int(-1, 3), pageToken: r.pick(["", "2", "zz"]) };
      case "CreateDocument":
        return {
          parent: this.name(),
          collectionId: r.string(),
          documentId: r.chance(0.5) ? r.string() : "",
          document: { fields: this.fields() },
        };
      case "UpdateDocument":
        return {
          document: { name: this.name(), fields: this.fields() },
          ...(r.chance(0.5) ? { updateMask: { fieldPaths: [this.fieldPath()] } } : {}),
        };
      case "DeleteDocument":
        return { name: this.name() };
      case "Commit":
        return {
          database: this.database(),
          writes: Array.from({ length: r.int(0, 4) }, () => this.write()),
          ...(r.chance(0.2) ? { transaction: r.bytes(12) } : {}),
        };
      case "BatchWrite":
        return { database: this.database(), writes: Array.from({ length: r.int(0, 4) }, () => this.write()) };
      case "BeginTransaction":
        return {
          database: this.database(),
          ...(r.chance(0.5) ? { options: { readOnly: { readTime: { seconds: "1" } } } } : {}),
        };
      case "Rollback":
        return { database: this.database(), transaction: r.bytes(r.int(0, 12)) };
      case "RunQuery":
        return {
          parent: r.chance(0.8) ? `${this.db}/documents` : this.name(),
          structuredQuery: this.structuredQuery(),
          ...this.consistency(),
        };
      case "RunAggregationQuery":
        return {
          parent: `${this.db}/documents`,
          structuredAggregationQuery: {
            structuredQuery: this.structuredQuery(),
            aggregations: Array.from({ length: r.int(0, 6) }, () => ({
              alias: r.chance(0.7) ? r.pick(["a", "b", "count"]) : r.string(),
              ...r.pick([
                { count: {} },
                { sum: { field: { fieldPath: this.fieldPath() } } },
                { avg: { field: { fieldPath: this.fieldPath() } } },
                {},
              ]),
            })),
          },
        };
      case "PartitionQuery":
        return {
          parent: `${this.db}/documents`,
          structuredQuery: this.structuredQuery(),
          partitionCount: r.int(-1, 5),
        };
      case "Listen":
        return r.chance(0.8)
          ? {
              database: this.database(),
              addTarget: {
                targetId: r.int(-2, 4),
                ...(r.chance(0.5)
                  ? { query: { parent: `${this.db}/documents`, structuredQuery: this.structuredQuery() } }
                  : { documents: { documents: [this.name()] } }),
                ...(r.chance(0.2) ? { resumeToken: r.bytes(r.int(0, 12)) } : {}),
              },
            }
          : { database: this.database(), removeTarget: r.int(-1, 4) };
      case "Write":
        return {
          database: this.database(),
          writes: r.chance(0.6) ? [this.write()] : [],
          ...(r.chance(0.3) ? { streamToken: r.bytes(4) } : {}),
        };
      default:
        return {};
    }
  }
}

/** RFC 3339 text of a `{seconds, nanos}` timestamp, or undefined when it has no such spelling. */
function rfc3339(seconds: unknown, nanos: unknown): string | undefined {
  const s = Number(seconds ?? 0);
  const n = Number(nanos ?? 0);
  if (!Number.isSafeInteger(s) || !Number.isInteger(n) || n < 0 || n > 999_999_999) return undefined;
  if (s < -62_135_596_800 || s > 253_402_300_799) return undefined;
  const date = new Date(s * 1000).toISOString().slice(0, 19);
  return `${date}.${String(n).padStart(9, "0")}Z`;
}

/**
 * A generated request as proto3 JSON text (what the web SDK sends over WebChannel): bytes in base64,
 * timestamps in RFC 3339 where they have a spelling (left as objects, which the engine refuses,
 * otherwise), NaN and the infinities as strings.
 */
export function toProto3Json(request: object): string {
  return JSON.stringify(request, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString("base64");
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length > 0 && keys.every((k) => k === "seconds" || k === "nanos")) {
        const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
        return rfc3339(seconds, nanos) ?? value;
      }
    }
    return value;
  });
}
