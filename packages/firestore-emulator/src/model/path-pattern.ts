/**
 * Resource path patterns: `projects/*\/databases/*\/documents/**`, `users/{uid}`, `{path=**}`. `*` matches
 * one segment, `**` any number (none included), `{name}` (or `{name=pattern}`) captures what its
 * pattern matches. Used by REST path templates and by trigger document patterns.
 */

/** One element of a parsed pattern. */
export type PatternToken =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "one" } // *
  | { readonly kind: "many" } // **
  | { readonly kind: "variable"; readonly field: string; readonly pattern: readonly PatternToken[] };

/** Parses a pattern (no leading slash). */
export function parsePathPattern(text: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === "{") {
      const close = text.indexOf("}", i);
      if (close < 0) throw new Error(`Unclosed variable in path pattern "${text}".`);
      const body = text.slice(i + 1, close);
      const eq = body.indexOf("=");
      const field = eq < 0 ? body : body.slice(0, eq);
      const pattern = eq < 0 ? [{ kind: "one" } as PatternToken] : parsePathPattern(body.slice(eq + 1));
      tokens.push({ kind: "variable", field, pattern });
      i = close + 1;
    } else {
      const end = text.indexOf("/", i);
      const segment = end < 0 ? text.slice(i) : text.slice(i, end);
      if (segment === "**") tokens.push({ kind: "many" });
      else if (segment === "*") tokens.push({ kind: "one" });
      else tokens.push({ kind: "literal", text: segment });
      i = end < 0 ? text.length : end;
    }
    if (text[i] === "/") i++;
  }
  return tokens;
}

/** How many segments a token sequence can match: [min, max]. */
function span(tokens: readonly PatternToken[]): [number, number] {
  let min = 0;
  let max = 0;
  for (const t of tokens) {
    if (t.kind === "many") max = Number.POSITIVE_INFINITY;
    else if (t.kind === "variable") {
      const [a, b] = span(t.pattern);
      min += a;
      max += b;
    } else {
      min++;
      max++;
    }
  }
  return [min, max];
}

function matchTokens(
  tokens: readonly PatternToken[],
  segments: readonly string[],
  bindings: Map<string, string>,
): boolean {
  const [token, ...rest] = tokens;
  if (!token) return segments.length === 0;
  switch (token.kind) {
    case "literal":
      return segments[0] === token.text && matchTokens(rest, segments.slice(1), bindings);
    case "one":
      return segments.length > 0 && matchTokens(rest, segments.slice(1), bindings);
    case "many": {
      const [restMin] = span(rest);
      for (let n = segments.length - restMin; n >= 0; n--) {
        if (matchTokens(rest, segments.slice(n), bindings)) return true;
      }
      return false;
    }
    case "variable": {
      const [min, max] = span(token.pattern);
      const [restMin, restMax] = span(rest);
      const from = Math.max(min, segments.length - restMax);
      const to = Math.min(max, segments.length - restMin);
      for (let n = to; n >= from; n--) {
        const captured = segments.slice(0, n);
        if (!matchTokens(token.pattern, captured, new Map())) continue;
        const inner = new Map(bindings);
        inner.set(token.field, captured.join("/"));
        if (matchTokens(rest, segments.slice(n), inner)) {
          for (const [k, v] of inner) bindings.set(k, v);
          return true;
        }
      }
      return false;
    }
  }
}

/** Matches path segments against a parsed pattern; returns the captures, or undefined. */
export function matchPathPattern(
  tokens: readonly PatternToken[],
  segments: readonly string[],
): Map<string, string> | undefined {
  const bindings = new Map<string, string>();
  return matchTokens(tokens, segments, bindings) ? bindings : undefined;
}
