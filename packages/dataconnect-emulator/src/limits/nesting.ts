// Nesting bounds, checked on the raw text before anything recursive (JSON.parse's consumers, graphql-js's
// parser and validator, the planner) walks it: one linear pass, no allocation, so a hostile body costs
// what reading it costs and is refused with INVALID_ARGUMENT.

/** Brackets a request body may nest (`{"variables":{"where":{"_and":[…]}}}` is 4). */
export const MAX_JSON_DEPTH = 64;
/** Braces, brackets and parentheses an ad-hoc GraphQL document may nest. */
export const MAX_GRAPHQL_DEPTH = 64;

/** Whether the JSON text in `body` nests `{`/`[` deeper than `max` (strings are skipped; validity is JSON.parse's job). */
export function jsonNestsDeeperThan(body: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether a GraphQL document nests `{`, `[` and `(` deeper than `max`, outside strings, block strings and
 * comments (selection sets, list and object values, argument lists).
 */
export function graphqlNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "#") {
      const end = text.indexOf("\n", i);
      if (end < 0) return false;
      i = end;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        const end = blockStringEnd(text, i + 3);
        if (end < 0) return false;
        i = end + 2;
      } else {
        i = stringEnd(text, i + 1);
        if (i < 0) return false;
      }
    } else if (c === "{" || c === "[" || c === "(") {
      if (++depth > max) return true;
    } else if (c === "}" || c === "]" || c === ")") {
      depth--;
    }
  }
  return false;
}

/** Index of the quote closing a "…" string that starts at `from`, or -1 (an unterminated string is the parser's to report). */
function stringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === '"') return i;
    else if (c === "\n") return i; // strings cannot span lines
  }
  return -1;
}

/** Index of the first quote of the `"""` closing a block string, or -1. */
function blockStringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\" && text.startsWith('\\"""', i)) i += 3;
    else if (text.startsWith('"""', i)) return i;
  }
  return -1;
}
