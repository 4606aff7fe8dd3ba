import { Code, FirestoreError } from "../errors.ts";
import type { StoredDocument } from "../model/document.ts";
import type { Query } from "../query/model.ts";
import {
  authorizeDocument,
  authorizeQuery,
  type Decision,
  denialMessage,
  type RequestContext,
  type Ruleset,
  requestContext,
  timestampOfMicros,
} from "../rules/index.ts";
import type { CommitGuard, Database } from "../store/database.ts";
import type { Caller } from "./caller.ts";
import type { RulesRegistry } from "./rules-registry.ts";

/** What a listen target selects, as the gate needs it. */
export type TargetSelection =
  | { readonly kind: "documents"; readonly paths: ReadonlySet<string> }
  | { readonly kind: "query"; readonly query: Query };

/**
 * Enforces security rules on client requests, independent of the transport: the gRPC handlers,
 * the REST routes and the browser transport all call it with the caller and what the request
 * touches. Privileged callers and projects without rules pass unchecked. Every denial is a
 * PERMISSION_DENIED whose message is the official emulator's evaluation trace.
 */
export class SecurityGate {
  private readonly registry: RulesRegistry;
  private readonly report: ((line: string) => void) | undefined;

  /** `report` receives one line per decision (the `-v=2` evaluation report). */
  constructor(registry: RulesRegistry, report?: (line: string) => void) {
    this.registry = registry;
    this.report = report;
  }

  /** The rules that apply to a caller in a database, or undefined when nothing is checked. */
  private rulesFor(caller: Caller, db: Database): Ruleset | undefined {
    if (caller.kind === "admin") return undefined;
    return this.registry.forProject(db.id.projectId);
  }

  private context(
    rules: Ruleset,
    caller: Caller,
    db: Database,
    multiple: boolean,
    overrides: Partial<Pick<RequestContext, "source" | "time">> = {},
  ): RequestContext {
    const read = (path: string) => db.store.get(path);
    return requestContext({
      rules,
      databaseId: db.id.databaseId,
      auth: caller.kind === "client" ? caller.auth : null,
      time: overrides.time ?? timestampOfMicros(db.clock.now()),
      source: overrides.source ?? { before: read, after: read },
      multiple,
    });
  }

  private enforce(decision: Decision, caller: Caller, method: string, path: string): void {
    if (this.report) {
      const who =
        caller.kind === "client" && caller.auth
          ? `uid ${String(caller.auth.user_id ?? caller.auth.sub)}`
          : "signed out";
      this.report(
        decision.allowed
          ? `rules: ALLOW ${method} /${path} (${who}) by the allow at L${decision.grantedBy?.line}:${decision.grantedBy?.col}${decision.debug.length ? `; debug: ${decision.debug.join(", ")}` : ""}`
          : `rules: DENY ${method} /${path} (${who}):${denialMessage(decision).replaceAll("\n", " ")}${decision.debug.length ? `; debug: ${decision.debug.join(", ")}` : ""}`,
      );
    }
    if (!decision.allowed) throw new FirestoreError(Code.PERMISSION_DENIED, denialMessage(decision));
  }

  /** Checks `get` on documents a request read (`doc` null when missing). */
  authorizeReads(
    caller: Caller,
    db: Database,
    docs: readonly { path: string; doc: StoredDocument | null }[],
    multiple: boolean,
  ): void {
    const rules = this.rulesFor(caller, db);
    if (!rules) return;
    const ctx = this.context(rules, caller, db, multiple || docs.length > 1);
    for (const { path, doc } of docs)
      this.enforce(authorizeDocument(ctx, "get", path, doc), caller, "get", path);
  }

  /** Checks `list` for a query (also aggregations, document listings and query listen targets). */
  authorizeQuery(caller: Caller, db: Database, query: Query): void {
    const rules = this.rulesFor(caller, db);
    if (!rules) return;
    const where = [query.parent, query.collectionId].filter((s) => s !== "").join("/");
    this.enforce(authorizeQuery(this.context(rules, caller, db, false), query), caller, "list", where);
  }

  /** Checks a listen target when it is added: `get` for each document, `list` for a query. */
  authorizeTarget(caller: Caller, db: Database, target: TargetSelection): void {
    if (target.kind === "query") this.authorizeQuery(caller, db, target.query);
    else {
      this.authorizeReads(
        caller,
        db,
        [...target.paths].map((path) => ({ path, doc: db.store.get(path) })),
        target.paths.size > 1,
      );
    }
  }

  /**
   * The guard a commit runs before applying (undefined when nothing is checked): each written
   * document is a `create`, `update` or `delete`, with `request.time` the commit time (so server
   * timestamps equal it) and getAfter() seeing the whole commit. One denial rejects every write.
   */
  commitGuard(caller: Caller, db: Database, multiple: boolean): CommitGuard | undefined {
    const rules = this.rulesFor(caller, db);
    if (!rules) return undefined;
    return ({ commitTime, writes, after }) => {
      const ctx = this.context(rules, caller, db, multiple || writes.length > 1, {
        time: timestampOfMicros(commitTime),
        source: { before: (path) => db.store.get(path), after },
      });
      for (const w of writes) {
        const method = w.after === null ? "delete" : w.before === null ? "create" : "update";
        this.enforce(authorizeDocument(ctx, method, w.path, w.before, w.after), caller, method, w.path);
      }
    };
  }

  /** Rejects requests only privileged callers may make (the official emulator's admin-only calls). */
  requireAdmin(caller: Caller, db: Database, message: string): void {
    if (this.rulesFor(caller, db)) throw new FirestoreError(Code.PERMISSION_DENIED, message);
  }
}
