import type { StoredDocument } from "../model/document.ts";
import type { Query } from "../query/model.ts";
import {
  ANY_SEGMENTS,
  type Decision,
  decide,
  type PathSegment,
  type Ruleset,
  UNKNOWN_ID,
} from "./authorize.ts";
import type { Method } from "./parser/ast.ts";
import { queryWays, wayData } from "./query/list.ts";
import { type AuthClaims, documentPath, type QueryInfo, requestValue, resourceOf } from "./request/model.ts";
import type { DocumentReader } from "./runtime/evaluate.ts";
import { RuleError, type RulePath, type RuleValue, type Timestamp } from "./runtime/values.ts";

export {
  compileRules,
  type Decision,
  denialMessage,
  RulesCompileError,
  type Ruleset,
  type RulesIssue,
} from "./authorize.ts";
export type { AuthClaims } from "./request/model.ts";
export { timestampOfMicros } from "./request/model.ts";

/** Production's limits on `get`/`exists`/`getAfter`/`existsAfter` calls per request. */
export const ACCESS_LIMITS = { single: 10, multiple: 20 } as const;

/** Documents as a request sees them: before it, and after its writes (the same for reads). */
export interface DocumentSource {
  before(path: string): StoredDocument | null;
  after(path: string): StoredDocument | null;
}

/** Everything rules need to know about one client request. */
export interface RequestContext {
  readonly rules: Ruleset;
  readonly databaseId: string;
  readonly auth: AuthClaims;
  readonly time: Timestamp;
  readonly source: DocumentSource;
  /** Document accesses allowed for the whole request (10, or 20 for batches and transactions). */
  readonly accessLimit: number;
  /** Distinct document accesses so far (shared by every operation of the request). */
  readonly accessed: Map<string, RuleValue>;
}

/** Starts the context of one request. */
export function requestContext(
  input: Omit<RequestContext, "accessed" | "accessLimit"> & { multiple?: boolean },
): RequestContext {
  return {
    ...input,
    accessLimit: input.multiple ? ACCESS_LIMITS.multiple : ACCESS_LIMITS.single,
    accessed: new Map(),
  };
}

/** The reader behind get()/exists(): absolute document paths in this database, counted and cached. */
function readerFor(ctx: RequestContext): DocumentReader {
  return {
    read(path: RulePath, after: boolean): RuleValue {
      const s = path.segments;
      if (s.length < 5 || s[0] !== "databases" || s[2] !== "documents" || (s.length - 3) % 2 !== 0) {
        throw new RuleError(`Invalid document path ${path.toString()}.`);
      }
      if (s[1] !== ctx.databaseId)
        throw new RuleError(`Document path ${path.toString()} is in another database.`);
      const docPath = s.slice(3).join("/");
      const key = `${after ? "after" : "before"}:${docPath}`;
      const cached = ctx.accessed.get(key);
      if (cached !== undefined) return cached;
      if (ctx.accessed.size >= ctx.accessLimit) {
        throw new RuleError(
          `Exceeded the maximum of ${ctx.accessLimit} document accesses (get, exists, getAfter, existsAfter) in one request.`,
        );
      }
      const doc = after ? ctx.source.after(docPath) : ctx.source.before(docPath);
      const value = resourceOf(ctx.databaseId, doc);
      ctx.accessed.set(key, value);
      return value;
    },
  };
}

function segmentsOf(ctx: RequestContext, path: string): string[] {
  return documentPath(ctx.databaseId, path).segments as string[];
}

/**
 * Authorizes one document operation (`get`, `create`, `update`, `delete`; `list` for a document a
 * query names). `before` is the stored document; `after` is `request.resource` for writes.
 */
export function authorizeDocument(
  ctx: RequestContext,
  method: Method,
  path: string,
  before: StoredDocument | null,
  after?: StoredDocument | null,
): Decision {
  const globals = new Map<string, RuleValue>([
    [
      "request",
      requestValue({
        auth: ctx.auth,
        method,
        path: documentPath(ctx.databaseId, path),
        time: ctx.time,
        resource: after === undefined ? null : resourceOf(ctx.databaseId, after),
      }),
    ],
    ["resource", resourceOf(ctx.databaseId, before)],
  ]);
  return decide(ctx.rules, segmentsOf(ctx, path), method, globals, readerFor(ctx));
}

/**
 * Authorizes a query (rules are not filters): every way its filter can be satisfied must be allowed
 * by `list` rules for an unknown document of the queried collection (of any ancestor, for a
 * collection group). A way that names a document (`__name__ ==`) is decided on that document.
 */
export function authorizeQuery(ctx: RequestContext, query: Query): Decision {
  const info: QueryInfo = {
    limit: query.limit,
    offset: query.offset,
    orderBy: query.orderBy.map((o) => ({ field: o.field.join("."), descending: o.descending })),
  };
  const parent = query.parent === "" ? [] : query.parent.split("/");
  const collectionSegments: PathSegment[] = ["databases", ctx.databaseId, "documents", ...parent];
  if (query.allDescendants) {
    if (ctx.rules.file.version === "1") {
      return {
        allowed: false,
        grantedBy: undefined,
        trace: ["collection group queries need rules_version = '2'"],
        debug: [],
      };
    }
    collectionSegments.push(ANY_SEGMENTS);
    // A kindless query (no collection id) may return documents of any collection.
    collectionSegments.push(query.collectionId === "" ? UNKNOWN_ID : query.collectionId);
  } else collectionSegments.push(query.collectionId);
  const collectionPath = documentPath(ctx.databaseId, [...parent, query.collectionId].join("/"));
  let ways: ReturnType<typeof queryWays>;
  try {
    ways = queryWays(query.filter);
  } catch (error) {
    return { allowed: false, grantedBy: undefined, trace: [(error as Error).message], debug: [] };
  }
  let last: Decision | undefined;
  for (const way of ways) {
    let decision: Decision;
    if (way.name !== undefined) {
      const path = way.name.split("/").slice(5).join("/");
      const globals = new Map<string, RuleValue>([
        [
          "request",
          requestValue({
            auth: ctx.auth,
            method: "list",
            path: documentPath(ctx.databaseId, path),
            time: ctx.time,
            query: info,
          }),
        ],
        ["resource", resourceOf(ctx.databaseId, ctx.source.before(path))],
      ]);
      decision = decide(ctx.rules, segmentsOf(ctx, path), "list", globals, readerFor(ctx));
    } else {
      const globals = new Map<string, RuleValue>([
        [
          "request",
          requestValue({ auth: ctx.auth, method: "list", path: collectionPath, time: ctx.time, query: info }),
        ],
        ["resource", new Map([["data", wayData(way)]])],
      ]);
      decision = decide(ctx.rules, [...collectionSegments, UNKNOWN_ID], "list", globals, readerFor(ctx));
    }
    if (!decision.allowed) return decision;
    last = decision;
  }
  return (
    last ?? { allowed: false, grantedBy: undefined, trace: ["the query has no way to match"], debug: [] }
  );
}
