// The schema model: what the `.gql` schema files declare, resolved into tables, columns and relations.
// Everything downstream (the implicit GraphQL API, DDL, the SQL planner) reads only this.

import type { SourceLocation } from "../errors.ts";

/** The built-in scalars a column can have. */
export type ScalarName =
  | "UUID"
  | "String"
  | "Int"
  | "Int64"
  | "Float"
  | "Boolean"
  | "Date"
  | "Timestamp"
  | "Any"
  | "Vector";

/** A column's value type: a built-in scalar or a user enum, possibly a one-dimensional list. */
export interface ValueType {
  kind: "scalar" | "enum";
  name: string;
  list: boolean;
  /** For lists: whether elements are non-null (`[String!]`). */
  elementNonNull: boolean;
}

/** How a column is filled when an insert omits it. */
export type ColumnDefault =
  | { kind: "value"; value: unknown }
  | { kind: "expr"; expr: string }
  | { kind: "sql"; sql: string };

/** A stored column: a scalar field, or a foreign-key field implied by a relation. */
export interface Column {
  /** GraphQL field name (`authorUid`). */
  field: string;
  /** Postgres column name (`author_uid`). */
  column: string;
  type: ValueType;
  nonNull: boolean;
  /** Postgres type used in DDL and casts (`uuid`, `text`, `varchar(30)`, `"public"."mood"[]`). */
  sqlType: string;
  default?: ColumnDefault;
  /** Set for FK columns: the relation field they belong to. */
  relation?: string;
  /** Declared in the schema file (false for generated `id` and FK fields). */
  explicit: boolean;
  /** `@searchable`: full-text search over this column in the given text-search language. */
  searchLanguage?: string;
  location?: SourceLocation;
  file?: string;
}

/** A many-to-one relation field (`author: User!`). */
export interface Relation {
  field: string;
  target: string;
  nonNull: boolean;
  /** FK columns of this table, pairwise with `references` (target columns). */
  columns: string[];
  references: string[];
  /** FK fields (`authorUid`), pairwise with `columns`. */
  fkFields: string[];
  /** One-to-one: the FK is unique or is the whole primary key. */
  unique: boolean;
  constraintName: string;
  onDelete: "CASCADE" | "SET NULL";
}

/** An index or unique constraint on columns. */
export interface Index {
  name: string;
  columns: string[];
  order?: ("ASC" | "DESC")[];
  method: "BTREE" | "GIN" | "HNSW" | "IVFFLAT";
  unique: boolean;
  /** For vector indexes: the distance the index serves (pgvector operator class). */
  vectorMethod?: "L2" | "COSINE" | "INNER_PRODUCT";
}

/** A `@table` (or read-only `@view`) type. */
export interface Table {
  typeName: string;
  /** Postgres relation name, unqualified (`movie_metadata`). */
  name: string;
  singular: string;
  plural: string;
  kind: "table" | "view";
  /** For views: the `@view(sql:)` text, or the name of an existing view. */
  viewSql?: string;
  /** Primary key fields (after expanding relation keys into their FK fields). */
  keyFields: string[];
  /** Key as declared: field names, relations included (`["movie", "user"]`). */
  declaredKey: string[];
  columns: Column[];
  relations: Relation[];
  indexes: Index[];
  description?: string;
  file?: string;
  location?: SourceLocation;
}

/** A user enum: values in declaration order, which is also their sort order. */
export interface EnumModel {
  name: string;
  sqlName: string;
  values: string[];
}

/** The whole schema of one service. */
export interface SchemaModel {
  pgSchema: string;
  tables: Table[];
  enums: EnumModel[];
  /** The user's schema files, concatenated, for building the executable GraphQL schema. */
  sdl: string;
}

/** Qualified, quoted Postgres name of a table (`"public"."movie"`). */
export function qualifiedName(model: SchemaModel, table: Table): string {
  return `${quoteIdent(model.pgSchema)}.${quoteIdent(table.name)}`;
}

/** Double-quotes a Postgres identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
