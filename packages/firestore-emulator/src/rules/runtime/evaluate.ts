import type { Expr, FunctionDecl, Position } from "../parser/ast.ts";
import { compareConstraint, constraintContains, constraintHasAny } from "../query/constraint.ts";
import { listIndex, slice } from "../stdlib/collections.ts";
import { callConversion, callMethod, callNamespace, NAMESPACES } from "../stdlib/index.ts";
import { stringIndex } from "../stdlib/strings.ts";
import { timeArithmetic } from "../stdlib/time.ts";
import {
  Constraint,
  checkedInt,
  compareOrdered,
  Duration,
  isOfType,
  Namespace,
  RuleError,
  RulePath,
  RuleSet,
  type RuleValue,
  typeName,
  valuesEqual,
} from "./values.ts";

/** Production's limits on one evaluation. */
export const LIMITS = {
  /** Expressions evaluated per document operation. */
  expressions: 1000,
  /** Depth of nested user-function calls. */
  callDepth: 20,
} as const;

/** A wildcard that a list query leaves unknown (the document ID): using it is an error. */
export const UNBOUND: unique symbol = Symbol("unbound");

/** A user function with the scope it was declared in (functions see their match block's variables). */
interface Closure {
  readonly decl: FunctionDecl;
  readonly scope: Scope;
}

/** A lexical scope: variables (wildcards, parameters, lets) and functions, then the parent's. */
export class Scope {
  readonly parent: Scope | undefined;
  readonly vars = new Map<string, RuleValue | typeof UNBOUND>();
  readonly functions = new Map<string, Closure>();

  constructor(parent?: Scope) {
    this.parent = parent;
  }

  /** Declares functions in this scope. */
  declare(functions: readonly FunctionDecl[]): this {
    for (const decl of functions) this.functions.set(decl.name, { decl, scope: this });
    return this;
  }

  lookup(name: string): RuleValue | typeof UNBOUND | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      if (s.vars.has(name)) return s.vars.get(name);
    }
    return undefined;
  }

  fn(name: string): Closure | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const f = s.functions.get(name);
      if (f) return f;
    }
    return undefined;
  }
}

/** How rules read documents: `get`/`exists` see the state before the request, `*After` after it. */
export interface DocumentReader {
  /** The resource value (`{data, id, __name__}`) of an absolute path, or null when missing. */
  read(path: RulePath, after: boolean): RuleValue;
}

/** Per-evaluation counters and the document reader. */
export interface Evaluation {
  readonly reader: DocumentReader;
  expressions: number;
  depth: number;
  readonly stack: FunctionDecl[];
  /** Values passed to `debug()`, for the evaluation report. */
  readonly debug: string[];
}

/** Starts the counters of one evaluation. */
export function newEvaluation(reader: DocumentReader): Evaluation {
  return { reader, expressions: 0, depth: 0, stack: [], debug: [] };
}

const NAMESPACE_VALUES = new Map(NAMESPACES.map((n) => [n, new Namespace(n)]));

function fail(at: Position, detail?: string): never {
  throw new RuleError(detail, at);
}

/** Evaluates an expression; evaluation errors throw `RuleError` (located at the failing node). */
export function evaluate(e: Expr, scope: Scope, ev: Evaluation): RuleValue {
  if (++ev.expressions > LIMITS.expressions) {
    throw new RuleError(`Exceeded the maximum of ${LIMITS.expressions} expressions in one evaluation.`, e);
  }
  try {
    return evaluateNode(e, scope, ev);
  } catch (error) {
    if (error instanceof RuleError) {
      if (!error.at) error.at = e;
      throw error;
    }
    if (error instanceof RangeError) throw new RuleError("Evaluation too deep.", e);
    throw error;
  }
}

function bool(e: Expr, scope: Scope, ev: Evaluation): boolean {
  const v = evaluate(e, scope, ev);
  if (typeof v !== "boolean")
    fail(e, `Unsupported operation error. Received: ${typeName(v)}. Expected: bool.`);
  return v;
}

/** `&&` and `||` absorb errors the CEL way: `error && false` is false, `error || true` is true. */
function logical(e: Extract<Expr, { k: "and" | "or" }>, scope: Scope, ev: Evaluation): boolean {
  const decisive = e.k === "or";
  let leftError: unknown;
  try {
    if (bool(e.left, scope, ev) === decisive) return decisive;
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    leftError = error;
  }
  const right = bool(e.right, scope, ev);
  if (right === decisive) return decisive;
  if (leftError) throw leftError;
  return !decisive;
}

function evaluateNode(e: Expr, scope: Scope, ev: Evaluation): RuleValue {
  switch (e.k) {
    case "literal":
      if (typeof e.value === "bigint") return checkedInt(e.value);
      return e.value as RuleValue;
    case "ident": {
      const v = scope.lookup(e.name);
      if (v === UNBOUND)
        fail(e, `Variable '${e.name}' is not bound: a list query leaves the document ID unknown.`);
      if (v !== undefined) return v;
      const ns = NAMESPACE_VALUES.get(e.name as (typeof NAMESPACES)[number]);
      if (ns) return ns;
      return fail(e, `Variable not found error: Name: [${e.name}].`);
    }
    case "member":
      return member(evaluate(e.object, scope, ev), e.name, e);
    case "index": {
      const obj = evaluate(e.object, scope, ev);
      const index = evaluate(e.index, scope, ev);
      return indexInto(obj, index, e);
    }
    case "slice": {
      const obj = evaluate(e.object, scope, ev);
      const from = e.from ? evaluate(e.from, scope, ev) : undefined;
      const to = e.to ? evaluate(e.to, scope, ev) : undefined;
      if (typeof obj === "string" || Array.isArray(obj)) return slice(obj as string, from, to);
      if (obj instanceof RulePath) return new RulePath(slice(obj.segments, from, to) as string[]);
      return fail(e, `Cannot slice a ${typeName(obj)}.`);
    }
    case "call":
      return call(e, scope, ev);
    case "unary": {
      if (e.op === "!") return !bool(e.operand, scope, ev);
      const v = evaluate(e.operand, scope, ev);
      if (typeof v === "bigint") return checkedInt(-v);
      if (typeof v === "number") return -v;
      if (v instanceof Duration) return new Duration(-v.nanos);
      return fail(e, `Unsupported operation error. Received: -${typeName(v)}. Expected: -number.`);
    }
    case "and":
    case "or":
      return logical(e, scope, ev);
    case "ternary":
      return bool(e.test, scope, ev) ? evaluate(e.then, scope, ev) : evaluate(e.else, scope, ev);
    case "is":
      return isOfType(evaluate(e.operand, scope, ev), e.type);
    case "list":
      return e.items.map((item) => evaluate(item, scope, ev));
    case "map": {
      const out = new Map<string, RuleValue>();
      for (const { key, value } of e.entries) {
        const k = evaluate(key, scope, ev);
        if (typeof k !== "string") fail(key, "Map keys must be strings.");
        out.set(k, evaluate(value, scope, ev));
      }
      return out;
    }
    case "path": {
      const segments: string[] = [];
      for (const part of e.parts) {
        if ("text" in part) segments.push(part.text);
        else {
          const v = evaluate(part.expr, scope, ev);
          if (typeof v === "string") segments.push(v);
          else if (v instanceof RulePath) segments.push(...v.segments);
          else if (typeof v === "bigint") segments.push(String(v));
          else fail(part.expr, `A path segment must be a string, found ${typeName(v)}.`);
        }
      }
      return new RulePath(segments);
    }
    case "binary":
      return binary(e, evaluate(e.left, scope, ev), evaluate(e.right, scope, ev));
  }
}

function member(obj: RuleValue, name: string, at: Position): RuleValue {
  if (obj === null) fail(at, "Null value error.");
  if (obj instanceof Map) {
    if (!obj.has(name)) fail(at, `Property ${name} is undefined on object.`);
    return obj.get(name)!;
  }
  return fail(at, `Property ${name} is undefined on object of type ${typeName(obj)}.`);
}

function indexInto(obj: RuleValue, index: RuleValue, at: Position): RuleValue {
  if (obj === null) fail(at, "Null value error.");
  if (obj instanceof Map) {
    if (typeof index !== "string") fail(at, "Map keys are strings.");
    if (!obj.has(index)) fail(at, `Property ${index} is undefined on object.`);
    return obj.get(index)!;
  }
  if (Array.isArray(obj)) return listIndex(obj, index);
  if (typeof obj === "string") return stringIndex(obj, index);
  if (obj instanceof RulePath) return listIndex(obj.segments, index);
  return fail(at, `Cannot index a ${typeName(obj)}.`);
}

function inOperator(needle: RuleValue, haystack: RuleValue, at: Position): boolean {
  if (Array.isArray(haystack))
    return haystack.some((x) => valuesEqual(x, needle, true) || valuesEqual(x, needle));
  if (haystack instanceof Map) return typeof needle === "string" && haystack.has(needle);
  if (haystack instanceof RuleSet) return haystack.has(needle);
  if (haystack instanceof Constraint) return constraintContains(haystack, needle);
  return fail(at, `Unsupported operation error. Received: ${typeName(needle)} in ${typeName(haystack)}.`);
}

function arithmetic(op: "+" | "-" | "*" | "/" | "%", a: RuleValue, b: RuleValue, at: Position): RuleValue {
  if (typeof a === "bigint" && typeof b === "bigint") {
    switch (op) {
      case "+":
        return checkedInt(a + b);
      case "-":
        return checkedInt(a - b);
      case "*":
        return checkedInt(a * b);
      case "/":
        if (b === 0n) fail(at, "Division by zero.");
        return checkedInt(a / b);
      case "%":
        if (b === 0n) fail(at, "Division by zero.");
        return a % b;
    }
  }
  const numeric = (v: RuleValue) => typeof v === "bigint" || typeof v === "number";
  if (numeric(a) && numeric(b)) {
    const x = Number(a);
    const y = Number(b);
    switch (op) {
      case "+":
        return x + y;
      case "-":
        return x - y;
      case "*":
        return x * y;
      case "/":
        return x / y;
      case "%":
        return x % y;
    }
  }
  if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
  if (op === "+" || op === "-") {
    const t = timeArithmetic(op, a, b);
    if (t !== undefined) return t;
  }
  return fail(
    at,
    `Unsupported operation error. Received: ${typeName(a)} ${op} ${typeName(b)}. Expected: number ${op} number${op === "+" ? ", string + string" : ""}.`,
  );
}

function binary(e: Extract<Expr, { k: "binary" }>, a: RuleValue, b: RuleValue): RuleValue {
  const op = e.op;
  if (a instanceof Constraint || b instanceof Constraint) {
    if (op === "==" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=") {
      return compareConstraint(op, a, b);
    }
  }
  switch (op) {
    case "==":
      return valuesEqual(a, b);
    case "!=":
      return !valuesEqual(a, b);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const c = compareOrdered(a, b, op);
      if (Number.isNaN(c)) return false;
      return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
    }
    case "in":
      return inOperator(a, b, e);
    default:
      return arithmetic(op, a, b, e);
  }
}

/** Document access functions: `get`, `exists`, `getAfter`, `existsAfter`. */
const ACCESS = new Set(["get", "exists", "getAfter", "existsAfter"]);

function call(e: Extract<Expr, { k: "call" }>, scope: Scope, ev: Evaluation): RuleValue {
  const callee = e.callee;
  if (callee.k === "ident") {
    const closure = scope.fn(callee.name);
    if (closure) return callUser(closure, e, scope, ev);
    const args = e.args.map((a) => evaluate(a, scope, ev));
    if (ACCESS.has(callee.name)) return access(callee.name, args, ev, e);
    if (callee.name === "debug") {
      ev.debug.push(describeValue(args[0] ?? null));
      return args[0] ?? null;
    }
    const converted = callConversion(callee.name, args);
    if (converted !== undefined) return converted;
    return fail(e, `Function not found error: Name: [${callee.name}].`);
  }
  if (callee.k === "member") {
    const receiver = evaluate(callee.object, scope, ev);
    const args = e.args.map((a) => evaluate(a, scope, ev));
    if (receiver instanceof Namespace) return callNamespace(receiver, callee.name, args);
    if (receiver instanceof Constraint) {
      if (callee.name === "hasAny" && Array.isArray(args[0])) return constraintHasAny(receiver, args[0]);
      return fail(e);
    }
    return callMethod(receiver, callee.name, args);
  }
  return fail(e, "Only functions and methods can be called.");
}

function callUser(
  closure: Closure,
  e: Extract<Expr, { k: "call" }>,
  scope: Scope,
  ev: Evaluation,
): RuleValue {
  const { decl } = closure;
  if (e.args.length !== decl.params.length) {
    fail(e, `Function ${decl.name} takes ${decl.params.length} arguments, ${e.args.length} given.`);
  }
  if (ev.stack.includes(decl)) fail(e, `Recursive call of function ${decl.name}: functions may not recurse.`);
  if (ev.stack.length >= LIMITS.callDepth)
    fail(e, `Exceeded the maximum function call depth of ${LIMITS.callDepth}.`);
  const frame = new Scope(closure.scope);
  for (let i = 0; i < decl.params.length; i++)
    frame.vars.set(decl.params[i]!, evaluate(e.args[i]!, scope, ev));
  ev.stack.push(decl);
  try {
    for (const binding of decl.lets) frame.vars.set(binding.name, evaluate(binding.value, frame, ev));
    return evaluate(decl.body, frame, ev);
  } finally {
    ev.stack.pop();
  }
}

function access(name: string, args: readonly RuleValue[], ev: Evaluation, at: Position): RuleValue {
  if (args.length !== 1) fail(at, `Function not found error: Name: [${name}].`);
  const p = args[0];
  if (!(p instanceof RulePath)) fail(at, `${name}() needs a path, found ${typeName(p ?? null)}.`);
  const after = name.endsWith("After");
  const doc = ev.reader.read(p, after);
  return name.startsWith("exists") ? doc !== null : doc;
}

/** A short text of a value for debug() output and reports. */
export function describeValue(v: RuleValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(describeValue).join(", ")}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${k}: ${describeValue(x)}`).join(", ")}}`;
  if (v instanceof RulePath) return v.toString();
  return typeName(v);
}
