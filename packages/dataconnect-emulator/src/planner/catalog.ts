// Name lookups the planner needs for every table, computed once per compiled schema.
import { type RelationField, relationFieldsOf } from "../api/relations.ts";
import type { Column, Relation, SchemaModel, Table } from "../schema/model.ts";
import { qualifiedName } from "../schema/model.ts";
import type { MutationKind } from "./mutate.ts";

/** What a field of a table type reads. */
export type TableField =
  | { kind: "column"; column: Column }
  | { kind: "relation"; relation: Relation; target: Table }
  | { kind: "relationField"; field: RelationField }
  | { kind: "aggregate"; fn: "count" | "sum" | "avg" | "min" | "max"; column?: Column }
  | { kind: "metadata" }
  | { kind: "typename" };

/** What a generated root field of Query or Mutation does, and to which table. */
export type RootField =
  | { kind: "single" | "list" | "search"; table: Table }
  | { kind: "mutation"; table: Table; mutation: MutationKind };

const MUTATION_KINDS: readonly MutationKind[] = [
  "insert",
  "insertMany",
  "upsert",
  "upsertMany",
  "update",
  "updateMany",
  "delete",
  "deleteMany",
];

/** Resolved tables and fields of one schema model. */
export class ModelCatalog {
  readonly model: SchemaModel;
  private readonly fields = new Map<string, Map<string, TableField>>();
  private readonly tables = new Map<string, Table>();
  private readonly queryFields = new Map<string, RootField>();
  private readonly mutationFields = new Map<string, RootField>();

  constructor(model: SchemaModel) {
    this.model = model;
    for (const table of model.tables) {
      this.tables.set(table.typeName, table);
      // The same names api/implicitSdl.ts generates.
      this.queryFields.set(table.singular, { kind: "single", table });
      this.queryFields.set(table.plural, { kind: "list", table });
      if (table.columns.some((c) => c.searchLanguage))
        this.queryFields.set(`${table.plural}_search`, { kind: "search", table });
      if (table.kind === "table") {
        for (const mutation of MUTATION_KINDS)
          this.mutationFields.set(`${table.singular}_${mutation}`, { kind: "mutation", table, mutation });
      }
      const fields = new Map<string, TableField>();
      for (const column of table.columns) {
        fields.set(column.field, { kind: "column", column });
        fields.set(`${column.field}_count`, { kind: "aggregate", fn: "count", column });
        for (const fn of ["sum", "avg", "min", "max"] as const)
          fields.set(`${column.field}_${fn}`, { kind: "aggregate", fn, column });
      }
      fields.set("_count", { kind: "aggregate", fn: "count" });
      fields.set("_metadata", { kind: "metadata" });
      fields.set("__typename", { kind: "typename" });
      this.fields.set(table.typeName, fields);
    }
    // Relations after all tables exist, so that targets resolve.
    for (const table of model.tables) {
      const fields = this.fields.get(table.typeName)!;
      for (const relation of table.relations) {
        fields.set(relation.field, { kind: "relation", relation, target: this.table(relation.target) });
      }
      for (const field of relationFieldsOf(model, table))
        fields.set(field.name, { kind: "relationField", field });
    }
  }

  /** The generated root field `name` of Query or Mutation, or undefined for built-in ones. */
  rootField(operation: "query" | "mutation", name: string): RootField | undefined {
    return (operation === "query" ? this.queryFields : this.mutationFields).get(name);
  }

  /** The table of a GraphQL type name. */
  table(typeName: string): Table {
    const table = this.tables.get(typeName);
    if (!table) throw new Error(`no table for type ${typeName}`);
    return table;
  }

  /** What `field` of `table` reads, or undefined for names the schema does not have. */
  field(table: Table, field: string): TableField | undefined {
    return this.fields.get(table.typeName)?.get(field);
  }

  /** Quoted, schema-qualified name of `table`; `@view(sql:)` views are read as subqueries. */
  from(table: Table): string {
    return qualifiedName(this.model, table);
  }

  /** Primary-key column names of `table`. */
  keyColumns(table: Table): Column[] {
    return table.keyFields.map((f) => table.columns.find((c) => c.field === f)!);
  }
}
