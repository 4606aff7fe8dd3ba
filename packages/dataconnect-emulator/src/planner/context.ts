import type { FragmentDefinitionNode, GraphQLSchema } from "graphql";
import { type CelScope, evaluateCel } from "../cel/evaluate.ts";
import { RequestError } from "../errors.ts";
import type { ModelCatalog } from "./catalog.ts";
import { Params } from "./params.ts";
import type { Search } from "./search.ts";

/** Everything SQL generation for one root field needs; one per statement. */
export class PlanContext {
  readonly catalog: ModelCatalog;
  readonly schema: GraphQLSchema;
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly cel: CelScope;
  readonly params = new Params();
  /** Set while planning a `_search` field: how to compute relevance for its rows (`_metadata`). */
  search?: Search & { rowAlias: string };
  private aliases = 0;

  constructor(init: {
    catalog: ModelCatalog;
    schema: GraphQLSchema;
    fragments: Readonly<Record<string, FragmentDefinitionNode>>;
    variables: Readonly<Record<string, unknown>>;
    cel: CelScope;
  }) {
    this.catalog = init.catalog;
    this.schema = init.schema;
    this.fragments = init.fragments;
    this.variables = init.variables;
    this.cel = init.cel;
  }

  /** A fresh table alias (`t1`, `t2`, …). */
  alias(): string {
    this.aliases += 1;
    return `t${this.aliases}`;
  }

  /** Evaluates a server-value expression (`auth.uid`, `request.time`, `uuidV4()`, …) for binding. */
  serverValue(expr: string): unknown {
    // The three server values Data Connect documents, without a CEL round trip.
    if (expr === "request.time") return this.cel.requestTime.toISOString();
    if (expr === "uuidV4()") return crypto.randomUUID();
    if (expr === "auth.uid" && this.cel.auth) return this.cel.auth.uid;
    try {
      return evaluateCel(expr, { ...this.cel, vars: this.variables as Record<string, unknown> });
    } catch (error) {
      throw new PlanError("INVALID_ARGUMENT", error instanceof Error ? error.message : String(error));
    }
  }
}

/** An error found while planning a field: reported on that field, not for the whole request. */
export class PlanError extends RequestError {}
