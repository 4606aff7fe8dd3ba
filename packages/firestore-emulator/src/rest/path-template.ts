import { invalidArgument } from "../errors.ts";
import { matchPathPattern, type PatternToken, parsePathPattern } from "../model/path-pattern.ts";

/**
 * `google.api.http` path templates (`/v1/{name=projects/*\/databases/*\/documents/*\/**}`, `...:commit`):
 * a resource path pattern with a leading slash and an optional custom verb.
 */

/** A parsed template: its segments and its custom verb (the `:verb` suffix), if any. */
export interface PathTemplate {
  readonly source: string;
  readonly tokens: readonly PatternToken[];
  readonly verb: string | undefined;
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
  return { source, tokens: parsePathPattern(path.slice(1)), verb };
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
  return matchPathPattern(template.tokens, segments);
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
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw invalidArgument("Invalid request URL: malformed percent-encoding.");
    }
  };
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
