import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import type { CompileError } from "../schema/source.ts";

/**
 * Parses a YAML file's text and validates it with `schema`. Every problem comes back as a CompileError
 * naming the file, the key (as a dotted path) and the line and column of that key's value.
 */
export function parseYamlFile<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
): { ok: true; value: z.output<S> } | { ok: false; errors: CompileError[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return {
          message: `invalid YAML: ${error.message.split("\n")[0]}`,
          file,
          line: position.line,
          column: position.col,
        };
      }),
    };
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => {
      const key = issue.path.map(String).join(".");
      const position = locate(doc, lineCounter, issue.path);
      return {
        message: key ? `${key}: ${issue.message}` : issue.message,
        file,
        ...(position && { line: position.line, column: position.col }),
      };
    }),
  };
}

// The deepest node along `path` that exists (a missing key is reported where its parent is).
function locate(
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
): { line: number; col: number } | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]);
  }
  return undefined;
}
