import { invalidArgument } from "../errors.ts";
import type { Micros } from "../model/codec.ts";
import type { StoredDocument } from "../model/document.ts";
import { type DatabaseId, parseDocumentNameIn } from "../model/path.ts";
import type { ProtoTarget } from "../proto/types.ts";
import { inScope, matchesQuery } from "../query/evaluate.ts";
import type { Query } from "../query/model.ts";
import { parseQuery } from "../query/parse.ts";
import type { Database } from "../store/database.ts";
import type { DocumentChange } from "../store/versioned-store.ts";

/** What a watch target selects: fixed documents, or a query. */
export type TargetSpec =
  | { readonly kind: "documents"; readonly paths: ReadonlySet<string> }
  | { readonly kind: "query"; readonly query: Query };

/** A document entering/changing in a target, or leaving it. */
export type TargetDelta =
  | { readonly type: "upsert"; readonly doc: StoredDocument }
  | { readonly type: "leave"; readonly path: string; readonly name: string; readonly deleted: boolean };

/** Parses a watch target (documents or query) of `db`. */
export function parseTarget(db: DatabaseId, target: ProtoTarget): TargetSpec {
  if (target.documents) {
    const names = target.documents.documents ?? [];
    if (names.length === 0) throw invalidArgument("A documents target needs at least one document.");
    return { kind: "documents", paths: new Set(names.map((n) => parseDocumentNameIn(db, n))) };
  }
  if (target.query) {
    if (!target.query.structuredQuery) throw invalidArgument("A query target needs a structured query.");
    return { kind: "query", query: parseQuery(db, target.query.parent ?? "", target.query.structuredQuery) };
  }
  throw invalidArgument("A target must be a documents target or a query target.");
}

/** The documents of a target at `at` (latest when undefined), by path. */
export function targetResults(db: Database, spec: TargetSpec, at?: Micros): Map<string, StoredDocument> {
  const out = new Map<string, StoredDocument>();
  if (spec.kind === "documents") {
    for (const path of spec.paths) {
      const doc = db.store.get(path, at);
      if (doc) out.set(path, doc);
    }
  } else {
    for (const doc of db.queryAt(spec.query, at)) out.set(doc.path, doc);
  }
  return out;
}

/** The deltas that turn `before` into `after` (changed documents, and those that left). */
export function diffResults(
  db: Database,
  before: ReadonlyMap<string, StoredDocument>,
  after: ReadonlyMap<string, StoredDocument>,
): TargetDelta[] {
  const out: TargetDelta[] = [];
  for (const [path, doc] of after) {
    if (before.get(path)?.updateTime !== doc.updateTime) out.push({ type: "upsert", doc });
  }
  for (const [path, doc] of before) {
    if (!after.has(path))
      out.push({ type: "leave", path, name: doc.name, deleted: db.store.get(path) === null });
  }
  return out;
}

/** Whether a target's results can be maintained one document at a time (no limit or offset). */
function isIncremental(spec: TargetSpec): boolean {
  return spec.kind === "documents" || (spec.query.limit === undefined && spec.query.offset === 0);
}

function isRelevant(spec: TargetSpec, path: string): boolean {
  return spec.kind === "documents" ? spec.paths.has(path) : inScope(spec.query, path);
}

/**
 * Updates a target's result set for the changes of one commit and returns the deltas. Limit and
 * offset queries are re-run (a change can pull another document into the window).
 */
export function applyCommit(
  db: Database,
  spec: TargetSpec,
  results: Map<string, StoredDocument>,
  changes: readonly DocumentChange[],
): TargetDelta[] {
  const relevant = changes.filter((c) => isRelevant(spec, c.path));
  if (relevant.length === 0) return [];
  if (!isIncremental(spec)) {
    const next = targetResults(db, spec);
    const deltas = diffResults(db, results, next);
    results.clear();
    for (const [k, v] of next) results.set(k, v);
    return deltas;
  }
  const deltas: TargetDelta[] = [];
  for (const change of relevant) {
    const after = change.after;
    const inNow = after !== null && (spec.kind === "documents" || matchesQuery(spec.query, after));
    const wasIn = results.has(change.path);
    if (inNow) {
      results.set(change.path, after);
      deltas.push({ type: "upsert", doc: after });
    } else if (wasIn) {
      const name = results.get(change.path)!.name;
      results.delete(change.path);
      deltas.push({ type: "leave", path: change.path, name, deleted: after === null });
    }
  }
  return deltas;
}
