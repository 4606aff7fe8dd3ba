import type { Micros } from "../../model/codec.ts";
import type { StoredDocument } from "../../model/document.ts";
import type { Fields, Value } from "../../model/values.ts";
import { LatLng, type RuleMap, RulePath, type RuleValue, Timestamp } from "../runtime/values.ts";

/** Who makes a request: decoded ID-token claims, or nobody (signed out). */
export type AuthClaims = Readonly<Record<string, unknown>> | null;

/** A stored Firestore value as a rules value (references become paths). */
export function ruleValueOf(v: Value): RuleValue {
  switch (v.kind) {
    case "null":
      return null;
    case "boolean":
      return v.value;
    case "integer":
      return v.value;
    case "double":
      return v.value;
    case "string":
      return v.value;
    case "bytes":
      return v.value;
    case "timestamp":
      return new Timestamp(BigInt(v.seconds) * 1_000_000_000n + BigInt(v.nanos));
    case "reference":
      // projects/p/databases/d/documents/... → /databases/d/documents/...
      return new RulePath(v.value.split("/").slice(2));
    case "geoPoint":
      return new LatLng(v.latitude, v.longitude);
    case "array":
      return v.values.map(ruleValueOf);
    case "map":
      return ruleMapOf(v.fields);
  }
}

/** Document fields as a rules map. */
export function ruleMapOf(fields: Fields): RuleMap {
  const out = new Map<string, RuleValue>();
  for (const [k, v] of fields) out.set(k, ruleValueOf(v));
  return out;
}

/** The absolute rules path of a document path below `documents` in database `databaseId`. */
export function documentPath(databaseId: string, path: string): RulePath {
  return new RulePath(["databases", databaseId, "documents", ...(path === "" ? [] : path.split("/"))]);
}

/** The `resource` value of a document: `{data, id, __name__}`; null when it does not exist. */
export function resourceOf(databaseId: string, doc: StoredDocument | null): RuleValue {
  if (!doc) return null;
  return resourceFromFields(databaseId, doc.path, doc.fields);
}

/** A resource value from a path and fields. */
export function resourceFromFields(databaseId: string, path: string, fields: Fields): RuleMap {
  return new Map<string, RuleValue>([
    ["data", ruleMapOf(fields)],
    ["id", path.slice(path.lastIndexOf("/") + 1)],
    ["__name__", documentPath(databaseId, path)],
  ]);
}

/** A JSON value (ID-token claims) as a rules value: integral numbers are ints. */
export function ruleValueOfJson(v: unknown): RuleValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(ruleValueOfJson);
  if (typeof v === "object") {
    const out = new Map<string, RuleValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.set(k, ruleValueOfJson(x));
    return out;
  }
  return null;
}

/** `request.auth`: null when signed out, else `{uid, token}` with every claim in `token`. */
export function authValue(claims: AuthClaims): RuleValue {
  if (!claims) return null;
  const uid = (claims.user_id ?? claims.sub) as unknown;
  return new Map<string, RuleValue>([
    ["uid", typeof uid === "string" ? uid : null],
    ["token", ruleValueOfJson(claims)],
  ]);
}

/** A commit or request time as a rules timestamp. */
export function timestampOfMicros(micros: Micros): Timestamp {
  return new Timestamp(BigInt(micros) * 1000n);
}

/** What `request.query` holds for a list: limit, offset and the order as `{field: 'ASC'|'DESC'}`. */
export interface QueryInfo {
  readonly limit: number | undefined;
  readonly offset: number;
  readonly orderBy: readonly { field: string; descending: boolean }[];
}

/** Builds the `request` map. */
export function requestValue(input: {
  auth: AuthClaims;
  method: string;
  path: RulePath;
  time: Timestamp;
  resource?: RuleValue;
  query?: QueryInfo;
}): RuleMap {
  const out = new Map<string, RuleValue>([
    ["auth", authValue(input.auth)],
    ["method", input.method],
    ["path", input.path],
    ["time", input.time],
  ]);
  if (input.resource !== undefined) out.set("resource", input.resource);
  if (input.query) {
    const q = input.query;
    out.set(
      "query",
      new Map<string, RuleValue>([
        ["limit", q.limit === undefined ? null : BigInt(q.limit)],
        ["offset", q.offset === 0 ? null : BigInt(q.offset)],
        ["orderBy", new Map(q.orderBy.map((o) => [o.field, o.descending ? "DESC" : "ASC"]))],
      ]),
    );
  }
  return out;
}
