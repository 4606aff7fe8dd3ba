import { compareUtf8 } from "./strings.ts";

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const NUMERIC_ID = /^__id(-?\d+)__$/;

/** The integer of a numeric document id (`__id<int64>__`), or undefined for ordinary ids. */
export function numericId(segment: string): bigint | undefined {
  const match = NUMERIC_ID.exec(segment);
  if (!match) return undefined;
  const value = BigInt(match[1]!);
  return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/**
 * Firestore's order of path segments (document and collection ids): ids of the form `__id<int64>__`
 * come first, by their integer; every other id follows in UTF-8 byte order.
 */
export function compareSegments(a: string, b: string): number {
  const x = numericId(a);
  const y = numericId(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareUtf8(a, b);
}
