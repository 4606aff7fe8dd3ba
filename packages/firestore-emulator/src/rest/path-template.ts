/**
 * `google.api.http` path templates (`/v1/{name=projects/*\/databases/*\/documents/*\/**}`, `...:commit`):
 * parsing, and matching a request path against them.
 */

type Token =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "one" } // *
  | { readonly kind: "many" } // **
  | { readonly kind: "variable"; readonly field: string; readonly pattern: readonly Token[] };

/** A parsed template: its segments and its custom verb (the `:verb` suffix), if any. */
export interface PathTemplate {
  readonly source: string;
  readonly tokens: readonly Token[];
  readonly verb: string | undefined;
}

function parseSegments(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === "{") {
      const close = text.indexOf("}", i);
      if (close < 0) throw new Error(`Unclosed variable in path template "${text}".`);
      const body = text.slice(i + 1, close);
      const eq = body.indexOf("=");
      const field = eq < 0 ? body : body.slice(0, eq);
      const pattern = eq < 0 ? [{ kind: "one" } as Token] : parseSegments(body.slice(eq + 1));
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

/** Parses a template like `/v1/{database=projects/*\/databases/*}/documents:commit`. */
export function parsePathTemplate(source: string): PathTemplate {
  if (!source.startsWith("/")) throw new Error(`Path template "${source}" must start with "/".`);
  // The verb follows the last segment; a colon inside a variable's braces is not one.
  const lastSlash = source.lastIndexOf("/");
  const lastBrace = source.lastIndexOf("}");
  const colon = source.indexOf(":", Math.max(lastSlash, lastBrace));
  const path = colon < 0 ? source : source.slice(0, colon);
  const verb = colon < 0 ? undefined : source.slice(colon + 1);
  return { source, tokens: parseSegments(path.slice(1)), verb };
}

/** How many segments a token sequence can match: [min, max]. */
function span(tokens: readonly Token[]): [number, number] {
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
  tokens: readonly Token[],
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

/**
 * Matches a decoded request path (segments, and the verb split off its last segment) against a
 * template; returns the variable bindings (`field.path` → captured text) or undefined.
 */
export function matchPathTemplate(
  template: PathTemplate,
  segments: readonly string[],
  verb: string | undefined,
): Map<string, string> | undefined {
  if (template.verb !== verb) return undefined;
  const bindings = new Map<string, string>();
  return matchTokens(template.tokens, segments, bindings) ? bindings : undefined;
}

/**
 * Splits a URL path into decoded segments, once with the text after the last segment's last colon
 * as a verb and once without (a document id may contain a colon): the route decides which applies.
 */
export function splitRequestPath(pathname: string): {
  segments: string[];
  withVerb: { segments: string[]; verb: string } | undefined;
} {
  const raw = pathname.replace(/^\/+/, "").split("/");
  const decode = (s: string) => decodeURIComponent(s);
  const segments = raw.map(decode);
  const last = raw[raw.length - 1] ?? "";
  const colon = last.lastIndexOf(":");
  const withVerb =
    colon < 0
      ? undefined
      : {
          segments: [...raw.slice(0, -1), last.slice(0, colon)].map(decode),
          verb: decode(last.slice(colon + 1)),
        };
  return { segments, withVerb };
}
