// Realtime refresh rules (spec §1.10): what makes a subscribed query's result stale. `@refresh` on a query
// names the mutations that refresh it (with an optional CEL condition) or a polling period; queries that
// only look entities up by key refresh implicitly when a single-entity mutation writes one of them.
import { parse as parseCel } from "@bufbuild/cel";
import {
  type ASTNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getDirectiveValues,
  type OperationDefinitionNode,
  print,
  visit,
} from "graphql";
import { evaluateCelBoolean } from "../cel/evaluate.ts";
import type { Table } from "../schema/model.ts";
import type { CompileError } from "../schema/source.ts";
import type { PreparedOperation } from "./operation.ts";
import type { AuthContext } from "./types.ts";

/** Bounds of `@refresh(every:)`, as production validates them at deploy. */
export const MIN_REFRESH_MS = 10_000;
export const MAX_REFRESH_MS = 3_600_000;

/** The `@refresh` directives of one query. */
export interface RefreshPolicy {
  /** The shortest `every:` period, if any. */
  everyMs?: number;
  onMutation: { operation: string; condition?: string }[];
}

/** A mutation that committed: the narrow signal realtime refreshes hang on. */
export interface CommittedMutation {
  operationName: string | undefined;
  /** Coerced variables: what `mutation.variables` is in refresh conditions. */
  variables: Record<string, unknown>;
  /** The end user who ran it (`mutation.auth`); null for admins and signed-out callers. */
  auth: AuthContext | null;
  /** Entities written by single-entity root fields (`_insert`, `_upsert`, `_update`, `_delete`). */
  entities: readonly string[];
}

/** What keeps one subscriber's result fresh, computed from its own variables and identity. */
export interface RefreshWatch {
  everyMs: number | undefined;
  /** Mutation names that may refresh it (conditions aside). */
  operations: readonly string[];
  /** Entities whose writes refresh it implicitly. */
  entities: readonly string[];
  /** Whether every caller gets the same result (a PUBLIC query that never reads `auth`): one run serves all. */
  sameForEveryone: boolean;
  /** Whether `mutation` (committed) makes this subscriber's result stale. */
  affectedBy(mutation: CommittedMutation): boolean;
}

const DURATION_MS: Record<string, number> = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
  // Calendar units, as fixed lengths: any of them is past the one-hour maximum anyway.
  months: 2_592_000_000,
  years: 31_536_000_000,
};

/** Reads the `@refresh` directives of `operation`, or reports what is wrong with them (file:line:col). */
export function readRefreshPolicy(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
): { ok: true; policy: RefreshPolicy } | { ok: false; errors: CompileError[] } {
  const directive = schema.getDirective("refresh");
  const policy: RefreshPolicy = { onMutation: [] };
  const errors: CompileError[] = [];
  for (const node of operation.directives ?? []) {
    if (node.name.value !== "refresh" || !directive) continue;
    const at = locationOf(node.loc);
    let values: {
      every?: Record<string, number>;
      onMutationExecuted?: { operation: string; condition?: string };
    };
    try {
      // Only one @refresh node is passed at a time, so a repeatable directive reads as a single one.
      values = getDirectiveValues(directive, { directives: [node] }) as typeof values;
    } catch (error) {
      errors.push({ message: `@refresh: ${(error as Error).message}`, ...at });
      continue;
    }
    if (!values.every && !values.onMutationExecuted) {
      errors.push({ message: "@refresh needs `every` or `onMutationExecuted`", ...at });
      continue;
    }
    if (values.every) {
      const ms = Object.entries(values.every).reduce(
        (sum, [unit, n]) => sum + n * (DURATION_MS[unit] ?? 0),
        0,
      );
      if (ms < MIN_REFRESH_MS || ms > MAX_REFRESH_MS) {
        errors.push({ message: "@refresh(every:) must be between 10 seconds and 1 hour", ...at });
      } else {
        policy.everyMs = Math.min(policy.everyMs ?? ms, ms);
      }
    }
    const onMutation = values.onMutationExecuted;
    if (onMutation) {
      if (!onMutation.operation) {
        errors.push({ message: "@refresh(onMutationExecuted:) needs the mutation's operation name", ...at });
        continue;
      }
      if (onMutation.condition !== undefined && onMutation.condition !== null) {
        try {
          parseCel(onMutation.condition);
        } catch (error) {
          errors.push({ message: `@refresh condition is not valid CEL: ${(error as Error).message}`, ...at });
          continue;
        }
      }
      policy.onMutation.push({
        operation: onMutation.operation,
        ...(onMutation.condition ? { condition: onMutation.condition } : {}),
      });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, policy };
}

/**
 * A subscriber's watch: `@refresh` rules evaluated with its variables and identity, plus the entities it
 * looked up by key (`lookups`, null when the query is not only key lookups: no implicit refresh then).
 */
export function refreshWatch(
  policy: RefreshPolicy,
  subscriber: { variables: Record<string, unknown>; auth: AuthContext | null },
  lookups: readonly string[] | null,
  sameForEveryone = false,
): RefreshWatch {
  const entities = lookups ?? [];
  return {
    sameForEveryone,
    everyMs: policy.everyMs,
    operations: [...new Set(policy.onMutation.map((m) => m.operation))],
    entities,
    affectedBy(mutation) {
      if (mutation.entities.some((e) => entities.includes(e))) return true;
      return policy.onMutation.some(
        (rule) =>
          rule.operation === mutation.operationName &&
          (rule.condition === undefined || conditionHolds(rule.condition, subscriber, mutation)),
      );
    },
  };
}

function conditionHolds(
  condition: string,
  subscriber: { variables: Record<string, unknown>; auth: AuthContext | null },
  mutation: CommittedMutation,
): boolean {
  try {
    return evaluateCelBoolean(condition, {
      auth: subscriber.auth,
      vars: subscriber.variables,
      requestTime: new Date(),
      mutation: { variables: mutation.variables, auth: mutation.auth },
    });
  } catch {
    return false; // e.g. `mutation.auth.uid` of an admin's mutation: the condition cannot hold
  }
}

/**
 * One entity's identity, the same whether read from a lookup's arguments (coerced input) or from a
 * mutation's returned key (wire format): UUIDs compare without dashes, everything else as text.
 */
export function entityId(table: Table, key: Record<string, unknown>): string {
  const values = table.keyFields.map((field) => {
    const column = table.columns.find((c) => c.field === field);
    const value = key[field];
    if (column?.type.name === "UUID" && typeof value === "string")
      return value.replaceAll("-", "").toLowerCase();
    return String(value);
  });
  return `${table.typeName}:${JSON.stringify(values)}`;
}

function locationOf(loc: { source: { name: string; body: string }; start: number } | undefined) {
  if (!loc) return {};
  const before = loc.source.body.slice(0, loc.start).split("\n");
  const file = loc.source.name === "GraphQL request" ? {} : { file: loc.source.name };
  return { ...file, line: before.length, column: before[before.length - 1]!.length + 1 };
}

const sameForEveryoneCache = new WeakMap<OperationDefinitionNode, boolean>();

/**
 * Whether `operation` answers every caller alike: `@auth(level: PUBLIC)` and no `auth` anywhere else
 * (`_expr` values, `@check`, native SQL params, the fragments it spreads). Its subscriptions may then share
 * one run across identities without anyone seeing what they may not.
 */
export function sameForEveryone(operation: PreparedOperation): boolean {
  let cached = sameForEveryoneCache.get(operation.operation);
  if (cached === undefined) {
    cached =
      operation.auth?.level === "PUBLIC" &&
      operation.auth.expr === undefined &&
      !textsOf(operation).some((text) => /\bauth\b/.test(text));
    sameForEveryoneCache.set(operation.operation, cached);
  }
  return cached;
}

/** The operation and the fragments it spreads, printed without `@auth` and `@refresh`. */
function textsOf(operation: PreparedOperation): string[] {
  const texts: string[] = [];
  const seen = new Set<string>();
  const add = (node: ASTNode) => {
    const stripped = visit(node, {
      Directive: (d) => (d.name.value === "auth" || d.name.value === "refresh" ? null : undefined),
      FragmentSpread(spread) {
        const fragment: FragmentDefinitionNode | undefined = operation.fragments[spread.name.value];
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          add(fragment);
        }
      },
    });
    texts.push(print(stripped));
  };
  add(operation.operation);
  return texts;
}
