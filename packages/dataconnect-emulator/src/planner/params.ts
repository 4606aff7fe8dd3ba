// Bound parameters of one SQL statement. Every value is sent as text and cast in SQL, so PGlite and
// node-postgres see exactly the same statement and Postgres does all the parsing.

/** Collects parameter values and hands out `$n::type` placeholders. */
export class Params {
  readonly values: (string | null)[] = [];

  /** Binds `value` and returns its placeholder, cast to `sqlType` (`$3::uuid`, `$4::text[]`). */
  bind(value: unknown, sqlType: string): string {
    this.values.push(toText(value, sqlType));
    return `$${this.values.length}::${sqlType}`;
  }
}

function toText(value: unknown, sqlType: string): string | null {
  if (value === null || value === undefined) return null;
  if (sqlType === "jsonb" || sqlType === "json") return JSON.stringify(value);
  // pgvector's text form is `[1,2,3]`, not an array literal.
  if (sqlType.startsWith("vector") && Array.isArray(value)) return `[${value.map(Number).join(",")}]`;
  if (Array.isArray(value)) return arrayLiteral(value, sqlType.replace(/\[\]$/, ""));
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A Postgres array literal: `{"a","b",NULL}`. */
export function arrayLiteral(values: readonly unknown[], elementType: string): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return "NULL";
    const text = elementType === "jsonb" || typeof v === "object" ? JSON.stringify(v) : String(v);
    return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}
