// CEL for Data Connect (spec §4.3): `auth`, `request`, `vars`, `response`, `this`, `mutation` (in
// `@refresh` conditions) and `uuidV4()`, evaluated with @bufbuild/cel. Expressions are parsed and planned
// once and cached.
import { CelScalar, celEnv, celFunc, isCelError, isCelList, isCelMap, parse, plan } from "@bufbuild/cel";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { AuthContext } from "../engine/types.ts";

/** What an expression can see. Absent members are unbound (referring to them is an error). */
export interface CelScope {
  auth: AuthContext | null;
  /** The request's instant (constant within a request). */
  requestTime: Date;
  operationName?: string;
  vars?: Record<string, unknown>;
  response?: Record<string, unknown>;
  this?: unknown;
  /** The committed mutation a `@refresh` condition looks at (`mutation.variables`, `mutation.auth`). */
  mutation?: { variables: Record<string, unknown>; auth: AuthContext | null };
}

/** An expression that failed to evaluate; `message` says why, in CEL's words. */
export class CelEvaluationError extends Error {
  constructor(expr: string, message: string) {
    super(`CEL expression ${JSON.stringify(expr)} failed: ${message}`);
    this.name = "CelEvaluationError";
  }
}

const env = celEnv({
  funcs: [celFunc("uuidV4", [], CelScalar.STRING, () => crypto.randomUUID())],
});

const plans = new Map<string, ReturnType<typeof plan>>();

function planned(expr: string): ReturnType<typeof plan> {
  let p = plans.get(expr);
  if (!p) {
    p = plan(env, parse(expr));
    if (plans.size > 10_000) plans.clear();
    plans.set(expr, p);
  }
  return p;
}

/** Evaluates `expr` in `scope` and returns a plain JS value (ints as numbers, maps as objects). */
export function evaluateCel(expr: string, scope: CelScope): unknown {
  let run: ReturnType<typeof plan>;
  try {
    run = planned(expr);
  } catch (error) {
    throw new CelEvaluationError(expr, error instanceof Error ? error.message : String(error));
  }
  const auth = scope.auth ? toCel({ uid: scope.auth.uid, token: scope.auth.token }) : null;
  const request = new Map<string, unknown>([
    ["time", timestampFromDate(scope.requestTime)],
    ["auth", auth],
    ["operationName", scope.operationName ?? ""],
    ["variables", toCel(scope.vars ?? {})],
  ]);
  const bindings: Record<string, unknown> = { auth, request, vars: request.get("variables") };
  if (scope.response !== undefined) bindings.response = toCel(scope.response);
  if ("this" in scope) bindings.this = toCel(scope.this);
  if (scope.mutation) {
    const { variables, auth: mutationAuth } = scope.mutation;
    bindings.mutation = new Map<string, unknown>([
      ["variables", toCel(variables)],
      ["auth", mutationAuth ? toCel({ uid: mutationAuth.uid, token: mutationAuth.token }) : null],
    ]);
  }
  const result = run(bindings as never);
  if (isCelError(result)) throw new CelEvaluationError(expr, result.message);
  return fromCel(result);
}

/** Evaluates a boolean expression; anything but `true` is false. */
export function evaluateCelBoolean(expr: string, scope: CelScope): boolean {
  return evaluateCel(expr, scope) === true;
}

/** JSON-ish JS → CEL input: objects become maps, integral numbers ints (CEL has no implicit int/double mixing). */
function toCel(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === "object") return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}

/** CEL result → plain JS (the inverse of toCel; timestamps become ISO strings). */
function fromCel(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (isCelList(value)) return [...value].map(fromCel);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.entries()) out[String(k)] = fromCel(v);
    return out;
  }
  if (value && typeof value === "object" && ("$typeName" in value || "message" in value)) {
    // Timestamps come back as protobuf messages, possibly inside a reflection wrapper.
    const message = ("$typeName" in value ? value : (value as { message: object }).message) as {
      $typeName?: string;
      seconds?: bigint;
      nanos?: number;
    };
    if (message.$typeName === "google.protobuf.Timestamp") {
      const ms = Number(message.seconds ?? 0n) * 1000 + Math.floor((message.nanos ?? 0) / 1e6);
      return new Date(ms).toISOString();
    }
  }
  return value;
}
