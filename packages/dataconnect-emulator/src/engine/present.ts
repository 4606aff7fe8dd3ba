// After a root field's JSON comes back from SQL: evaluate its `@check`s (spec §4.4) and drop
// `@redact`ed fields, walking the selection over the value. `this` sees the unredacted value.
import {
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLDirective,
  getDirectiveValues,
} from "graphql";
import { type CelScope, evaluateCelBoolean } from "../cel/evaluate.ts";
import { type CollectedField, collectFields, subSelections } from "../planner/collect.ts";

/** A failed `@check`: the message it carries (PERMISSION_DENIED on the enclosing root field). */
export interface CheckFailure {
  message: string;
}

interface Walk {
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  variables: Readonly<Record<string, unknown>>;
  cel: CelScope;
  checkDirective: GraphQLDirective;
  failure?: CheckFailure;
  /** Checks met under a null or empty parent, and checks evaluated on at least one path. */
  unreached?: Set<DirectiveNode>;
  reached?: Set<DirectiveNode>;
}

/** The presented value of a root field, or the first `@check` it fails. */
export function presentRootField(
  value: unknown,
  field: CollectedField,
  env: Omit<Walk, "failure">,
): { value: unknown; failure?: CheckFailure } {
  const walk: Walk = { ...env, unreached: new Set(), reached: new Set() };
  const presented = presentField(walk, field, value);
  for (const directive of walk.unreached!) {
    if (walk.failure || walk.reached!.has(directive)) continue;
    const args = getDirectiveValues(walk.checkDirective, { directives: [directive] }, walk.variables) as {
      message: string;
      optional: boolean;
    };
    if (!args.optional) walk.failure = { message: args.message };
  }
  return walk.failure ? { value: presented, failure: walk.failure } : { value: presented };
}

function presentField(walk: Walk, field: CollectedField, value: unknown): unknown {
  runChecks(walk, field, value);
  const sub = collectFields(subSelections(field), walk.fragments, walk.variables);
  if (sub.length === 0) return value;
  if (value === null || value === undefined || typeof value !== "object") {
    markUnreached(walk, sub);
    return value;
  }
  return presentSelection(walk, sub, value);
}

function presentSelection(walk: Walk, fields: readonly CollectedField[], value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) markUnreached(walk, fields);
    return value.map((item) => presentSelection(walk, fields, item));
  }
  if (value === null || typeof value !== "object") {
    markUnreached(walk, fields);
    return value;
  }
  const row = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const presented = presentField(walk, field, row[field.responseKey] ?? null);
    if (!isRedacted(field)) out[field.responseKey] = presented;
  }
  return out;
}

function checksOf(field: CollectedField): DirectiveNode[] {
  return field.nodes.flatMap((n) => n.directives?.filter((d) => d.name.value === "check") ?? []);
}

function runChecks(walk: Walk, field: CollectedField, value: unknown): void {
  if (walk.failure) return;
  for (const directive of checksOf(field)) {
    walk.reached!.add(directive);
    const args = getDirectiveValues(walk.checkDirective, { directives: [directive] }, walk.variables) as {
      expr: string;
      message: string;
    };
    let ok = false;
    try {
      ok = evaluateCelBoolean(args.expr, { ...walk.cel, this: value });
    } catch {
      ok = false;
    }
    if (!ok) {
      walk.failure = { message: args.message };
      return;
    }
  }
}

/** Checks under a null or empty parent are not reached there; they fail if reached on no path. */
function markUnreached(walk: Walk, fields: readonly CollectedField[]): void {
  for (const field of fields) {
    for (const directive of checksOf(field)) walk.unreached!.add(directive);
    markUnreached(walk, collectFields(subSelections(field), walk.fragments, walk.variables));
  }
}

/** Whether `@redact` removes the field from the response (it is still evaluated and in `response`). */
export function isRedacted(field: CollectedField): boolean {
  return field.nodes.some((n) => n.directives?.some((d) => d.name.value === "redact"));
}
