import type { AllowStatement, MatchBlock, Method, PatternSegment, RulesFile } from "./parser/ast.ts";
import { RulesSyntaxError } from "./parser/lexer.ts";
import { parseRules } from "./parser/parse.ts";
import { type DocumentReader, evaluate, newEvaluation, Scope, UNBOUND } from "./runtime/evaluate.ts";
import { RuleError, RulePath, type RuleValue } from "./runtime/values.ts";

/** A compiled ruleset: the parsed file and where it came from. */
export interface Ruleset {
  readonly file: RulesFile;
  readonly fileName: string;
  readonly source: string;
}

/** One problem found when compiling, in the shape the emulator's rules endpoint reports. */
export interface RulesIssue {
  readonly sourcePosition: { readonly fileName: string; readonly line: number; readonly column: number };
  readonly description: string;
  readonly severity: "ERROR" | "WARNING";
}

/** Rules that do not compile; `message` reads `file:line:col - description`. */
export class RulesCompileError extends Error {
  readonly issues: readonly RulesIssue[];
  constructor(issues: readonly RulesIssue[]) {
    const i = issues[0]!;
    super(
      `${i.sourcePosition.fileName}:${i.sourcePosition.line}:${i.sourcePosition.column} - ${i.description}`,
    );
    this.name = "RulesCompileError";
    this.issues = issues;
  }
}

/** Compiles rules source; throws `RulesCompileError` naming `file:line:col`. */
export function compileRules(source: string, fileName = "firestore.rules"): Ruleset {
  const issue = (line: number, column: number, description: string) =>
    new RulesCompileError([{ sourcePosition: { fileName, line, column }, description, severity: "ERROR" }]);
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) {
    throw issue(1, 1, `A ruleset may be at most ${MAX_SOURCE_BYTES / 1024} KiB.`);
  }
  try {
    return { file: parseRules(source), fileName, source };
  } catch (error) {
    if (error instanceof RulesSyntaxError) throw issue(error.line, error.col, error.message);
    // A hostile file nested deeply enough to exhaust the parser's stack is a compile error too.
    if (error instanceof RangeError) throw issue(1, 1, "The rules nest too deeply.");
    throw error;
  }
}

/** Production's limit on the size of a ruleset's source. */
export const MAX_SOURCE_BYTES = 256 * 1024;

/** The document ID a list query leaves open. */
export const UNKNOWN_ID: unique symbol = Symbol("unknown document id");
/** Any number of path segments (a collection group query's ancestors). */
export const ANY_SEGMENTS: unique symbol = Symbol("any segments");

/** A segment of the path being authorized: known text, or what a query leaves open. */
export type PathSegment = string | typeof UNKNOWN_ID | typeof ANY_SEGMENTS;

type Binding = readonly [name: string, value: RuleValue | typeof UNBOUND];

/**
 * Matches a pattern against `segments` from `start`; returns every (end, bindings) that fits. A
 * recursive wildcard takes zero or more segments in version 2 and one or more in version 1, and is
 * the only thing that can take `ANY_SEGMENTS`.
 */
function matchPattern(
  pattern: readonly PatternSegment[],
  segments: readonly PathSegment[],
  start: number,
  version: "1" | "2",
): { end: number; bindings: Binding[] }[] {
  const out: { end: number; bindings: Binding[] }[] = [];
  const walk = (pi: number, si: number, bindings: Binding[]) => {
    if (pi === pattern.length) {
      out.push({ end: si, bindings });
      return;
    }
    const p = pattern[pi]!;
    if (p.kind === "recursive") {
      for (let end = si + (version === "1" ? 1 : 0); end <= segments.length; end++) {
        const taken = segments.slice(si, end);
        const value = taken.every((s) => typeof s === "string") ? new RulePath(taken as string[]) : UNBOUND;
        walk(pi + 1, end, [...bindings, [p.name, value]]);
      }
      return;
    }
    const s = segments[si];
    if (s === undefined || s === ANY_SEGMENTS) return;
    if (p.kind === "literal") {
      if (s === p.text) walk(pi + 1, si + 1, bindings);
      return;
    }
    walk(pi + 1, si + 1, [...bindings, [p.name, s === UNKNOWN_ID ? UNBOUND : s]]);
  };
  walk(0, start, []);
  return out;
}

/** An allow statement that applies to a request, with the scope its condition evaluates in. */
export interface ApplicableAllow {
  readonly allow: AllowStatement;
  readonly scope: Scope;
}

/** Every allow statement for `method` whose match path covers the whole of `segments`. */
export function applicableAllows(
  rules: Ruleset,
  segments: readonly PathSegment[],
  method: Method,
  globals: ReadonlyMap<string, RuleValue>,
): ApplicableAllow[] {
  const root = new Scope().declare(rules.file.functions);
  for (const [k, v] of globals) root.vars.set(k, v);
  const found: ApplicableAllow[] = [];
  const visit = (block: MatchBlock, start: number, parent: Scope) => {
    for (const m of matchPattern(block.pattern, segments, start, rules.file.version)) {
      const scope = new Scope(parent).declare(block.functions);
      for (const [name, value] of m.bindings) scope.vars.set(name, value);
      if (m.end === segments.length) {
        for (const allow of block.allows) if (allow.methods.includes(method)) found.push({ allow, scope });
      }
      for (const child of block.matches) visit(child, m.end, scope);
    }
  };
  for (const block of rules.file.matches) visit(block, 0, root);
  return found.sort((a, b) => a.allow.line - b.allow.line || a.allow.col - b.allow.col);
}

/** The outcome of authorizing one document operation (or one way of a query). */
export interface Decision {
  readonly allowed: boolean;
  /** The allow statement that granted access. */
  readonly grantedBy: AllowStatement | undefined;
  /** One entry per evaluated statement: `false for 'update' @ L12` or the error it raised. */
  readonly trace: readonly string[];
  /** Values passed to debug() while deciding. */
  readonly debug: readonly string[];
}

/** The PERMISSION_DENIED message of a denial, in the official emulator's shape. */
export function denialMessage(d: Decision): string {
  return d.trace.length === 0 ? "\nNo matching allow statements" : `\n${d.trace.join(", ")}`;
}

/**
 * Decides one operation: allowed when any applicable allow statement's condition is true. An error
 * in a condition makes that statement deny (it never escapes).
 */
export function decide(
  rules: Ruleset,
  segments: readonly PathSegment[],
  method: Method,
  globals: ReadonlyMap<string, RuleValue>,
  reader: DocumentReader,
): Decision {
  const trace: string[] = [];
  const debug: string[] = [];
  for (const { allow, scope } of applicableAllows(rules, segments, method, globals)) {
    const where = `for '${method}' @ L${allow.line}`;
    if (!allow.condition) return { allowed: true, grantedBy: allow, trace, debug };
    const ev = newEvaluation(reader);
    try {
      const result = evaluate(allow.condition, scope, ev);
      if (result === true) return { allowed: true, grantedBy: allow, trace, debug: [...debug, ...ev.debug] };
      trace.push(
        result === false ? `false ${where}` : `Condition must be a bool, found ${String(result)} ${where}`,
      );
    } catch (error) {
      // Never crash: an unexpected failure inside evaluation denies like any evaluation error.
      const text = error instanceof RuleError ? error.describe() : `evaluation error (${String(error)})`;
      trace.push(`${text} ${where}`);
    } finally {
      debug.push(...ev.debug);
    }
  }
  return { allowed: false, grantedBy: undefined, trace, debug };
}
