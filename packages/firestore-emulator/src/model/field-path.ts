import { invalidArgument } from "../errors.ts";
import type { Fields, Value } from "./values.ts";

/** A field path as segments (`a.b` → ["a", "b"]); `__name__` is the document key. */
export type FieldPath = readonly string[];

const SIMPLE = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

/** Parses Firestore's field path syntax: dot-separated segments, backquoted when not simple. */
export function parseFieldPath(text: string): FieldPath {
  if (text === "") throw invalidArgument("A field path must not be empty.");
  const segments: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let segment = "";
    if (text[i] === "`") {
      i++;
      let closed = false;
      while (i < text.length) {
        const ch = text[i]!;
        if (ch === "\\") {
          if (i + 1 >= text.length) break;
          segment += text[i + 1];
          i += 2;
        } else if (ch === "`") {
          closed = true;
          i++;
          break;
        } else {
          segment += ch;
          i++;
        }
      }
      if (!closed) throw invalidArgument(`Invalid field path "${text}": unterminated backquote.`);
      if (i < text.length && text[i] !== ".") throw invalidArgument(`Invalid field path "${text}".`);
    } else {
      const end = text.indexOf(".", i);
      segment = end < 0 ? text.slice(i) : text.slice(i, end);
      if (segment.includes("`")) throw invalidArgument(`Invalid field path "${text}".`);
      i = end < 0 ? text.length : end;
    }
    if (segment === "") throw invalidArgument(`Invalid field path "${text}": empty segment.`);
    segments.push(segment);
    if (i >= text.length) break;
    i++; // the dot
    if (i === text.length) throw invalidArgument(`Invalid field path "${text}": trailing dot.`);
  }
  return segments;
}

/** The canonical text of a field path (simple segments bare, others backquoted). */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((s) => (SIMPLE.test(s) ? s : `\`${s.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``))
    .join(".");
}

/** Whether a path is the document key `__name__`. */
export function isKeyPath(path: FieldPath): boolean {
  return path.length === 1 && path[0] === "__name__";
}

/** Whether `prefix` is a (non-strict) prefix of `path`. */
export function isPrefixOf(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

/** The value at a path, or undefined when any segment is missing or not a map. */
export function getField(fields: Fields, path: FieldPath): Value | undefined {
  let current: Fields = fields;
  for (let i = 0; i < path.length; i++) {
    const v = current.get(path[i]!);
    if (v === undefined) return undefined;
    if (i === path.length - 1) return v;
    if (v.kind !== "map") return undefined;
    current = v.fields;
  }
  return undefined;
}

/** A copy of `fields` with `value` at `path`, creating (or replacing non-map) parents as maps. */
export function setField(fields: Fields, path: FieldPath, value: Value): Map<string, Value> {
  const out = new Map(fields);
  const [head, ...rest] = path;
  if (head === undefined) return out;
  if (rest.length === 0) {
    out.set(head, value);
    return out;
  }
  const child = fields.get(head);
  const childFields = child?.kind === "map" ? child.fields : new Map<string, Value>();
  out.set(head, { kind: "map", fields: setField(childFields, rest, value) });
  return out;
}

/** A copy of `fields` without `path` (unchanged when absent). */
export function deleteField(fields: Fields, path: FieldPath): Map<string, Value> {
  const out = new Map(fields);
  const [head, ...rest] = path;
  if (head === undefined) return out;
  if (rest.length === 0) {
    out.delete(head);
    return out;
  }
  const child = fields.get(head);
  if (child?.kind !== "map") return out;
  out.set(head, { kind: "map", fields: deleteField(child.fields, rest) });
  return out;
}
