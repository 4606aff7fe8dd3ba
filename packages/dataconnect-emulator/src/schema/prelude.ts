// The built-in definitions every Data Connect schema and operation is read against: scalars,
// directives and the shared filter/ordering inputs. Written from the spec (§2.1, §3.4–3.6), in our words.

/** Scalars a column can hold, in the order the generated files list them. */
export const COLUMN_SCALARS = [
  "UUID",
  "String",
  "Int",
  "Int64",
  "Float",
  "Boolean",
  "Date",
  "Timestamp",
  "Any",
] as const;

/** Numeric scalars (they get `_sum`/`_avg` aggregates and `inc`/`dec` updates). */
export const NUMERIC_SCALARS = new Set(["Int", "Int64", "Float"]);

/** Scalars with `_min`/`_max` aggregates and range filters. */
export const ORDERED_SCALARS = new Set(["Int", "Int64", "Float", "Date", "Timestamp", "String"]);

/** Postgres type of each built-in scalar. */
export const SQL_TYPES: Record<string, string> = {
  UUID: "uuid",
  String: "text",
  Int: "integer",
  Int64: "bigint",
  Float: "double precision",
  Boolean: "boolean",
  Date: "date",
  Timestamp: "timestamptz",
  Any: "jsonb",
  Vector: "vector",
};

const expr = (returnType: string, example: string) =>
  `"""A CEL expression evaluated by the server, returning ${returnType}; e.g. \`${example}\`."""\nscalar ${returnType}_Expr`;

function scalarFilter(scalar: string): string {
  const ordered = ORDERED_SCALARS.has(scalar);
  const rel = scalar === "Date" ? "date" : scalar === "Timestamp" ? "time" : undefined;
  const relType = scalar === "Date" ? "Date_Relative" : "Timestamp_Relative";
  const ops = ["eq", "ne", ...(ordered ? ["gt", "ge", "lt", "le"] : [])];
  const lines = [
    `input ${scalar}_Filter {`,
    "  isNull: Boolean",
    ...ops.flatMap((op) => [
      `  ${op}: ${scalar} @fdc_oneOf(group: "${op}")`,
      `  ${op}_expr: ${scalar}_Expr @fdc_oneOf(group: "${op}")`,
      ...(rel ? [`  ${op}_${rel}: ${relType} @fdc_oneOf(group: "${op}")`] : []),
    ]),
    `  in: [${scalar}!]`,
    `  nin: [${scalar}!]`,
  ];
  if (scalar === "String") {
    lines.push(
      "  contains: String",
      "  startsWith: String",
      "  endsWith: String",
      "  pattern: String_Pattern",
    );
  }
  lines.push("}");
  lines.push(
    `input ${scalar}_ListFilter {`,
    `  includes: ${scalar}`,
    `  excludes: ${scalar}`,
    `  includesAll: [${scalar}!]`,
    `  excludesAll: [${scalar}!]`,
    "}",
  );
  return lines.join("\n");
}

/** The prelude SDL. */
export const PRELUDE = `
"""A UUID; on the wire 32 lowercase hex digits without dashes."""
scalar UUID
"""A 64-bit integer; on the wire a string of decimal digits."""
scalar Int64
"""A calendar date, \`YYYY-MM-DD\`."""
scalar Date
"""An instant, RFC 3339 with a time zone offset."""
scalar Timestamp
"""Any JSON value."""
scalar Any
"""A list of floats (pgvector)."""
scalar Vector
"""An SQL expression without variables or subqueries."""
scalar Any_SQL
"""A read-only SQL statement with positional \`$n\` placeholders."""
scalar SQL_Query
"""A data-changing SQL statement with positional \`$n\` placeholders."""
scalar SQL_Mutation
"""A JSON array of parameters; elements may be \`{_expr: "auth.uid"}\`."""
scalar SQL_Params
"""The only value is \`true\`."""
scalar True
"""No value."""
scalar Void
"""\`Type.field\` naming a schema element."""
scalar SchemaCoordinate
${expr("String", "auth.uid")}
${expr("UUID", "uuidV4()")}
${expr("Int", "vars.count + 1")}
${expr("Int64", "vars.count + 1")}
${expr("Float", "vars.score * 2.0")}
${expr("Boolean", "auth != null")}
${expr("Date", "request.time")}
${expr("Timestamp", "request.time")}
${expr("Any", "vars.payload")}
${expr("Vector", "vars.embedding")}

enum AccessLevel { PUBLIC USER_ANON USER USER_EMAIL_VERIFIED NO_ACCESS }
"""How a full-text search query string is read: web-search syntax, plain words, a phrase, or tsquery syntax."""
enum Search_QueryFormat { QUERY PLAIN PHRASE ADVANCED }
enum OrderDirection { ASC DESC }
enum IndexType { BTREE GIN HNSW IVFFLAT }
enum IndexFieldOrder { ASC DESC }
enum VectorSimilarityMethod { L2 COSINE INNER_PRODUCT }
enum GeneratedPurpose {
  IMPLICIT_KEY_FIELD IMPLICIT_REF_FIELD METADATA_FIELD ENTITY_ID
  QUERY_MULTIPLE_ONE_TO_MANY QUERY_MULTIPLE_MANY_TO_MANY QUERY_COUNT QUERY_SUM QUERY_AVG QUERY_MIN QUERY_MAX
  QUERY_MULTIPLE_BY_FULL_TEXT_SEARCH QUERY_SINGLE QUERY_MULTIPLE QUERY_MULTIPLE_BY_SIMILARITY
  INSERT_SINGLE INSERT_MULTIPLE UPSERT_SINGLE UPSERT_MULTIPLE UPDATE_SINGLE UPDATE_MULTIPLE DELETE_SINGLE DELETE_MULTIPLE
}
enum Timestamp_Interval { SECOND MINUTE HOUR DAY WEEK MONTH YEAR }
enum Date_Interval { WEEK MONTH YEAR }

directive @table(name: String, singular: String, plural: String, key: [String!]) on OBJECT
directive @view(name: String, sql: String, singular: String, plural: String) on OBJECT
directive @col(name: String, dataType: String, size: Int) on FIELD_DEFINITION
directive @ref(constraintName: String, fields: [String!], references: [String!]) on FIELD_DEFINITION
directive @default(value: Any, expr: Any_Expr, sql: Any_SQL) on FIELD_DEFINITION
directive @index(name: String, fields: [String!], order: [IndexFieldOrder!], type: IndexType, vector_method: VectorSimilarityMethod) repeatable on FIELD_DEFINITION | OBJECT
directive @unique(indexName: String, fields: [String!]) repeatable on FIELD_DEFINITION | OBJECT
directive @searchable(language: String = "english") on FIELD_DEFINITION
directive @fdc_generated(from: SchemaCoordinate, purpose: GeneratedPurpose!) on SCALAR | OBJECT | FIELD_DEFINITION | ARGUMENT_DEFINITION | INTERFACE | UNION | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @fdc_oneOf(group: String! = "", required: Boolean! = false) repeatable on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
directive @fdc_forbiddenInVariables on INPUT_FIELD_DEFINITION

directive @auth(level: AccessLevel, expr: Boolean_Expr, insecureReason: String) on QUERY | MUTATION
directive @transaction on MUTATION
directive @check(expr: Boolean_Expr! = "!(this in [null, []])", message: String! = "permission denied", optional: Boolean = false) repeatable on QUERY | MUTATION | FIELD | FRAGMENT_DEFINITION | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @redact on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @retired(reason: String) on QUERY | MUTATION | FIELD | VARIABLE_DEFINITION
directive @refresh(every: Timestamp_Duration, onMutationExecuted: Refresh_OnMutationExecuted) repeatable on QUERY
directive @allow(fields: String!, maxCount: Int) on VARIABLE_DEFINITION

input Refresh_OnMutationExecuted { operation: String! condition: Boolean_Expr }
input String_Pattern { like: String regex: String ignoreCase: Boolean }
input Timestamp_Duration {
  milliseconds: Int! = 0 seconds: Int! = 0 minutes: Int! = 0 hours: Int! = 0
  days: Int! = 0 weeks: Int! = 0 months: Int! = 0 years: Int! = 0
}
input Date_Duration { days: Int! = 0 weeks: Int! = 0 months: Int! = 0 years: Int! = 0 }
input Timestamp_Relative {
  now: True @fdc_oneOf(group: "from", required: true)
  at: Timestamp @fdc_oneOf(group: "from", required: true)
  add: Timestamp_Duration
  sub: Timestamp_Duration
  truncateTo: Timestamp_Interval
}
input Date_Relative {
  today: True @fdc_oneOf(group: "from", required: true)
  on: Date @fdc_oneOf(group: "from", required: true)
  add: Date_Duration
  sub: Date_Duration
  truncateTo: Date_Interval
}
input Int_Update { inc: Int @fdc_oneOf dec: Int @fdc_oneOf }
input Int64_Update { inc: Int64 @fdc_oneOf dec: Int64 @fdc_oneOf }
input Float_Update { inc: Float @fdc_oneOf dec: Float @fdc_oneOf }
input Date_Update { inc: Date_Duration @fdc_oneOf dec: Date_Duration @fdc_oneOf }
input Timestamp_Update { inc: Timestamp_Duration @fdc_oneOf dec: Timestamp_Duration @fdc_oneOf }
${COLUMN_SCALARS.map(
  (s) =>
    `input ${s}_ListUpdate { append: [${s}!] @fdc_oneOf prepend: [${s}!] @fdc_oneOf add: [${s}!] @fdc_oneOf remove: [${s}!] @fdc_oneOf }`,
).join("\n")}
${COLUMN_SCALARS.map(scalarFilter).join("\n")}

"""Metadata of a row found by search: relevance or vector distance."""
type _Metadata { distance: Float relevance: Float }
"""The service's schema, for tools."""
type _Service { sdl: String! schema: String! }
`;
