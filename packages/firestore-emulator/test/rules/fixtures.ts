import type { StoredDocument } from "../../src/model/document.ts";
import type { Fields, Value } from "../../src/model/values.ts";
import type { ProtoStructuredQuery } from "../../src/proto/types.ts";
import type { Query } from "../../src/query/model.ts";
import { parseQuery } from "../../src/query/parse.ts";
import {
  type AuthClaims,
  authorizeDocument,
  authorizeQuery,
  compileRules,
  type Decision,
  type Ruleset,
  requestContext,
  timestampOfMicros,
} from "../../src/rules/index.ts";
import { parseExpression } from "../../src/rules/parser/parse.ts";
import { evaluate, newEvaluation, Scope } from "../../src/rules/runtime/evaluate.ts";
import type { RuleValue } from "../../src/rules/runtime/values.ts";

export const DB = { projectId: "demo-rules", databaseId: "(default)" };

/** A JS value as a stored Firestore value (integral numbers are integers). */
export function storedValueOf(v: unknown): Value {
  if (v === null) return { kind: "null" };
  if (typeof v === "boolean") return { kind: "boolean", value: v };
  if (typeof v === "number")
    return Number.isInteger(v) ? { kind: "integer", value: BigInt(v) } : { kind: "double", value: v };
  if (typeof v === "string") return { kind: "string", value: v };
  if (v instanceof Date) {
    const ms = v.getTime();
    return { kind: "timestamp", seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
  }
  if (Array.isArray(v)) return { kind: "array", values: v.map(storedValueOf) };
  return { kind: "map", fields: fieldsOf(v as Record<string, unknown>) };
}

/** JS object → document fields. */
export function fieldsOf(obj: Record<string, unknown>): Fields {
  return new Map(Object.entries(obj).map(([k, v]) => [k, storedValueOf(v)]));
}

/** A stored document at `path` with `data`. */
export function doc(path: string, data: Record<string, unknown>): StoredDocument {
  return {
    name: `projects/${DB.projectId}/databases/${DB.databaseId}/documents/${path}`,
    path,
    fields: fieldsOf(data),
    createTime: 1,
    updateTime: 1,
  };
}

/** Rules wrapped in the usual service and database match. */
export function rules(body: string, version: "1" | "2" = "2"): Ruleset {
  return compileRules(
    `rules_version = '${version}';\nservice cloud.firestore {\n  match /databases/{database}/documents {\n${body}\n  }\n}\n`,
  );
}

export interface Scenario {
  auth?: AuthClaims;
  /** Stored documents before the request. */
  store?: StoredDocument[];
  /** Documents after the request's writes (for getAfter). */
  after?: StoredDocument[];
  multiple?: boolean;
}

function contextFor(r: Ruleset, s: Scenario) {
  const before = new Map((s.store ?? []).map((d) => [d.path, d]));
  const after = new Map(before);
  for (const d of s.after ?? []) after.set(d.path, d);
  return requestContext({
    rules: r,
    databaseId: DB.databaseId,
    auth: s.auth ?? null,
    time: timestampOfMicros(Date.now() * 1000),
    source: { before: (p) => before.get(p) ?? null, after: (p) => after.get(p) ?? null },
    multiple: s.multiple ?? false,
  });
}

/** Decides a `get` of `path` (the stored document is looked up in the scenario's store). */
export function get(r: Ruleset, path: string, s: Scenario = {}): Decision {
  const stored = (s.store ?? []).find((d) => d.path === path) ?? null;
  return authorizeDocument(contextFor(r, s), "get", path, stored);
}

/** Decides a write: `after` null is a delete; create/update is chosen by whether the document exists. */
export function write(
  r: Ruleset,
  path: string,
  data: Record<string, unknown> | null,
  s: Scenario = {},
): Decision {
  const stored = (s.store ?? []).find((d) => d.path === path) ?? null;
  const method = data === null ? "delete" : stored ? "update" : "create";
  const after = data === null ? null : doc(path, data);
  return authorizeDocument(
    contextFor(r, { ...s, after: [...(s.after ?? []), ...(after ? [after] : [])] }),
    method,
    path,
    stored,
    after,
  );
}

/** Decides a query given as a structured query under `parent` ("" for the root). */
export function list(r: Ruleset, parent: string, q: ProtoStructuredQuery, s: Scenario = {}): Decision {
  const name = `projects/${DB.projectId}/databases/${DB.databaseId}/documents${parent ? `/${parent}` : ""}`;
  const query: Query = parseQuery(DB, name, q);
  return authorizeQuery(contextFor(r, s), query);
}

/** Evaluates a standalone expression with optional variables; throws the RuleError of a failure. */
export function evalExpr(source: string, vars: Record<string, RuleValue> = {}): RuleValue {
  const scope = new Scope();
  for (const [k, v] of Object.entries(vars)) scope.vars.set(k, v);
  return evaluate(parseExpression(source), scope, newEvaluation({ read: () => null }));
}

/** Structured-query helpers. */
export const where = (field: string, op: string, value: unknown) => ({
  fieldFilter: { field: { fieldPath: field }, op, value: proto(value) },
});

/** A JS value as a proto value (for query filters). */
export function proto(v: unknown): Record<string, unknown> {
  if (v === null) return { nullValue: "NULL_VALUE" };
  if (typeof v === "boolean") return { booleanValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { integerValue: String(v) } : { doubleValue: v };
  if (typeof v === "string") return { stringValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(proto) } };
  return {
    mapValue: { fields: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, proto(x)])) },
  };
}

export const and = (...filters: object[]) => ({ compositeFilter: { op: "AND", filters } });
export const or = (...filters: object[]) => ({ compositeFilter: { op: "OR", filters } });
export const from = (collectionId: string, allDescendants = false) => ({
  from: [{ collectionId, allDescendants }],
});
