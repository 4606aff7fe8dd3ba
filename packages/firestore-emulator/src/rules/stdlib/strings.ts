import { RE2JS } from "re2js";
import { RuleError, type RuleValue } from "../runtime/values.ts";
import { arity, int, str } from "./args.ts";

const patterns = new Map<string, RE2JS>();

/** Compiles (and caches) an RE2 pattern; an invalid one is an evaluation error. */
export function re2(pattern: string): RE2JS {
  let compiled = patterns.get(pattern);
  if (!compiled) {
    try {
      compiled = RE2JS.compile(pattern);
    } catch (error) {
      throw new RuleError(`Invalid regular expression '${pattern}': ${(error as Error).message}`);
    }
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, compiled);
  }
  return compiled;
}

/** Java's String.trim: strips code units up to U+0020 from both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** Methods of strings. Sizes and indexes count UTF-16 code units; case changes touch ASCII only. */
export function stringMethod(s: string, name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "size":
      arity(name, args, 0);
      return BigInt(s.length);
    case "matches":
      arity(name, args, 1);
      return re2(str(name, args[0])).matches(s);
    case "split":
      arity(name, args, 1);
      return re2(str(name, args[0])).split(s, -1);
    case "replace":
      arity(name, args, 2);
      return re2(str(name, args[0])).matcher(s).replaceAll(str(name, args[1]));
    case "lower":
      arity(name, args, 0);
      return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
    case "upper":
      arity(name, args, 0);
      return s.replace(/[a-z]/g, (c) => c.toUpperCase());
    case "trim":
      arity(name, args, 0);
      return javaTrim(s);
    case "toUtf8":
      arity(name, args, 0);
      return new TextEncoder().encode(s);
  }
  throw new RuleError(`Function not found error: Name: [${name}].`);
}

/** Methods of bytes. */
export function bytesMethod(b: Uint8Array, name: string, args: readonly RuleValue[]): RuleValue {
  switch (name) {
    case "size":
      arity(name, args, 0);
      return BigInt(b.length);
    case "toBase64":
      arity(name, args, 0);
      return Buffer.from(b).toString("base64");
    case "toHexString":
      arity(name, args, 0);
      return Buffer.from(b).toString("hex").toUpperCase();
  }
  throw new RuleError(`Function not found error: Name: [${name}].`);
}

/** `s[i]`: one UTF-16 code unit as a string. */
export function stringIndex(s: string, index: RuleValue): string {
  const i = int("[]", index);
  if (i < 0n || i >= BigInt(s.length)) throw new RuleError(`Index ${i} out of range.`);
  return s[Number(i)]!;
}
