// Operation variables are bounded before execution: their size and depth decide what coercion, the planner
// and the mutation event (whose payload carries them) must handle, so no client can make an operation
// expensive for everyone or an event undeliverable. Walked iteratively: no stack to overflow.
import { RequestError } from "../errors.ts";

/** How large and how deep an operation's variables may be. */
export interface VariableLimits {
  /** Their JSON text, in bytes (UTF-8, close enough: UTF-16 code units). */
  maxBytes: number;
  /** Objects and lists inside one another (`{"a":[{}]}` is 3). */
  maxDepth: number;
}

/** 1 MiB and 32 levels: far beyond what an app's operation needs. */
export const DEFAULT_VARIABLE_LIMITS: VariableLimits = { maxBytes: 1024 * 1024, maxDepth: 32 };

/** Throws INVALID_ARGUMENT unless `variables` is plain JSON within `limits`. */
export function checkVariables(variables: Record<string, unknown>, limits: VariableLimits): void {
  let bytes = 0;
  const stack: [unknown, number][] = [[variables, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || value === undefined || typeof value === "boolean") {
      bytes += 5;
    } else if (typeof value === "number") {
      if (!Number.isFinite(value)) refuse("variables must be JSON: a number is not finite");
      bytes += 24;
    } else if (typeof value === "string") {
      bytes += value.length + 2;
    } else if (typeof value === "object") {
      if (depth > limits.maxDepth) refuse(`variables nest deeper than ${limits.maxDepth} levels`);
      if (Array.isArray(value)) {
        bytes += 2 + value.length;
        for (const item of value) stack.push([item, depth + 1]);
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null)
          refuse("variables must be JSON objects, lists and values");
        for (const [key, item] of Object.entries(value)) {
          bytes += key.length + 4;
          stack.push([item, depth + 1]);
        }
      }
    } else {
      refuse(`variables must be JSON: a ${typeof value} is not`);
    }
    if (bytes > limits.maxBytes) refuse(`variables are larger than ${limits.maxBytes} bytes`);
  }
}

function refuse(message: string): never {
  throw new RequestError("INVALID_ARGUMENT", message);
}
