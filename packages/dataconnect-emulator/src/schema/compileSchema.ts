// Schema files → SchemaModel: tables, columns, keys, relations, indexes (spec §2).
import {
  buildASTSchema,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  GraphQLError,
  getDirectiveValues,
  Kind,
  KnownDirectivesRule,
  type ObjectTypeDefinitionNode,
  parse,
  Source,
  type TypeNode,
  UniqueDirectivesPerLocationRule,
  validate,
} from "graphql";
import { graphqlErrorToCompileErrors } from "./errors.ts";
import type {
  Column,
  ColumnDefault,
  EnumModel,
  Index,
  Relation,
  SchemaModel,
  Table,
  ValueType,
} from "./model.ts";
import { quoteIdent } from "./model.ts";
import { lowerFirst, pluralize, snakeCase, upperFirst } from "./naming.ts";
import { PRELUDE, SQL_TYPES } from "./prelude.ts";
import type { CompileError, SourceFile } from "./source.ts";

/** Result of compiling the schema files. */
export type SchemaResult =
  | { ok: true; model: SchemaModel; documents: DocumentNode[] }
  | { ok: false; errors: CompileError[] };

/** Parses, validates and resolves the schema files of one service. */
export function compileSchema(files: readonly SourceFile[], pgSchema = "public"): SchemaResult {
  const errors: CompileError[] = [];
  const docs: DocumentNode[] = [];
  for (const file of files) {
    try {
      docs.push(parse(new Source(file.text, file.path)));
    } catch (error) {
      errors.push(...graphqlErrorToCompileErrors(error));
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const definitions = docs.flatMap((d) => d.definitions);
  const userDoc: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  const directiveSchema = buildASTSchema(parse(`${PRELUDE}\ntype Query { _service: _Service }`), {
    assumeValidSDL: true,
  });
  for (const error of validate(directiveSchema, userDoc, [
    KnownDirectivesRule,
    UniqueDirectivesPerLocationRule,
  ])) {
    errors.push(...graphqlErrorToCompileErrors(error));
  }
  if (errors.length > 0) return { ok: false, errors };

  const builder = new ModelBuilder(pgSchema, directiveSchema, errors);
  const model = builder.build(definitions, files.map((f) => f.text).join("\n"));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, model, documents: docs };
}

/** Reads the directives and fields of the schema definitions into tables; collects every error. */
class ModelBuilder {
  private readonly tables = new Map<string, { node: ObjectTypeDefinitionNode; table: Table }>();
  private readonly enums = new Map<string, EnumModel>();
  private readonly resolving = new Set<string>();
  private readonly resolved = new Set<string>();
  private readonly pgSchema: string;
  private readonly schema: ReturnType<typeof buildASTSchema>;
  private readonly errors: CompileError[];

  constructor(pgSchema: string, schema: ReturnType<typeof buildASTSchema>, errors: CompileError[]) {
    this.pgSchema = pgSchema;
    this.schema = schema;
    this.errors = errors;
  }

  build(definitions: readonly DefinitionNode[], sdl: string): SchemaModel {
    for (const def of definitions) {
      if (def.kind === Kind.ENUM_TYPE_DEFINITION) this.addEnum(def);
    }
    for (const def of definitions) {
      if (def.kind === Kind.OBJECT_TYPE_DEFINITION) this.addTable(def);
      else if (def.kind !== Kind.ENUM_TYPE_DEFINITION) {
        this.fail(
          def,
          `only @table and @view object types and enums may be declared in a schema file (found ${def.kind})`,
        );
      }
    }
    for (const name of this.tables.keys()) this.resolveRelations(name);
    for (const { node, table } of this.tables.values()) this.addIndexes(node, table);
    this.checkNameClashes();
    return {
      pgSchema: this.pgSchema,
      tables: [...this.tables.values()].map((t) => t.table),
      enums: [...this.enums.values()],
      sdl,
    };
  }

  private addEnum(node: EnumTypeDefinitionNode): void {
    const name = node.name.value;
    if (this.isReserved(name)) {
      this.fail(node, `enum ${name} clashes with a built-in type`);
      return;
    }
    this.enums.set(name, {
      name,
      sqlName: snakeCase(name),
      values: (node.values ?? []).map((v) => v.name.value),
    });
  }

  private addTable(node: ObjectTypeDefinitionNode): void {
    const typeName = node.name.value;
    if (this.isReserved(typeName)) {
      this.fail(node, `type ${typeName} clashes with a built-in type`);
      return;
    }
    if (this.tables.has(typeName)) {
      this.fail(node, `type ${typeName} is declared twice`);
      return;
    }
    const tableArgs = this.directive(node, "table");
    const viewArgs = this.directive(node, "view");
    if (!tableArgs && !viewArgs) {
      this.fail(node, `type ${typeName} needs @table or @view`);
      return;
    }
    if (tableArgs && viewArgs) {
      this.fail(node, `type ${typeName} cannot be both @table and @view`);
      return;
    }
    const args = (tableArgs ?? viewArgs)!;
    const singular = (args.singular as string | undefined) ?? lowerFirst(typeName);
    const table: Table = {
      typeName,
      name: (args.name as string | undefined) ?? snakeCase(viewArgs ? singular : typeName),
      singular,
      plural: (args.plural as string | undefined) ?? pluralize(singular),
      kind: viewArgs ? "view" : "table",
      keyFields: [],
      declaredKey: [],
      columns: [],
      relations: [],
      indexes: [],
      ...(node.description ? { description: node.description.value } : {}),
      ...(node.loc ? { file: node.loc.source.name, location: locationOf(node) } : {}),
    };
    if (viewArgs) {
      const sql = viewArgs.sql as string | undefined;
      const name = viewArgs.name as string | undefined;
      if ((sql === undefined) === (name === undefined))
        this.fail(node, `@view on ${typeName} needs exactly one of sql or name`);
      if (sql !== undefined) table.viewSql = sql;
      if (name !== undefined) table.name = name;
    }
    this.tables.set(typeName, { node, table });

    for (const field of node.fields ?? []) this.addField(table, field);

    if (table.kind === "table") {
      const key = tableArgs?.key as string[] | undefined;
      if (key) table.declaredKey = key;
      else {
        if (
          !table.columns.some((c) => c.field === "id") &&
          !(node.fields ?? []).some((f) => f.name.value === "id")
        ) {
          table.columns.unshift({
            field: "id",
            column: "id",
            type: { kind: "scalar", name: "UUID", list: false, elementNonNull: false },
            nonNull: true,
            sqlType: "uuid",
            default: { kind: "expr", expr: "uuidV4()" },
            explicit: false,
          });
        }
        table.declaredKey = ["id"];
      }
    }
  }

  private addField(table: Table, node: FieldDefinitionNode): void {
    const field = node.name.value;
    if (field.startsWith("_")) {
      this.fail(node, `field ${table.typeName}.${field}: names starting with _ are reserved`);
      return;
    }
    const { named, nonNull, list, elementNonNull } = unwrap(node.type);
    const target = this.tables.has(named) || this.isTableType(named);
    const colArgs = this.directive(node, "col");
    if (target) {
      if (list) {
        this.fail(
          node,
          `field ${table.typeName}.${field}: a list of ${named} is not a column; declare the relation on ${named} (many-to-one) and read it back as a generated _on_ field`,
        );
        return;
      }
      // Resolved once every table is known (its FK fields depend on the target's key).
      table.relations.push({
        field,
        target: named,
        nonNull,
        columns: [],
        references: [],
        fkFields: [],
        unique: this.directive(node, "unique") !== undefined,
        constraintName: "",
        onDelete: nonNull ? "CASCADE" : "SET NULL",
      });
      return;
    }
    const enumModel = this.enums.get(named);
    if (!enumModel && !(named in SQL_TYPES)) {
      this.fail(node, `field ${table.typeName}.${field} has unknown type ${named}`);
      return;
    }
    if (table.kind === "view" && nonNull) {
      this.fail(node, `field ${table.typeName}.${field}: fields of a @view must be nullable`);
      return;
    }
    const type: ValueType = { kind: enumModel ? "enum" : "scalar", name: named, list, elementNonNull };
    let sqlType = enumModel
      ? `${quoteIdent(this.pgSchema)}.${quoteIdent(enumModel.sqlName)}`
      : SQL_TYPES[named]!;
    if (named === "Vector") {
      const size = colArgs?.size as number | undefined;
      if (!size) {
        this.fail(node, `field ${table.typeName}.${field}: Vector needs @col(size: N)`);
        return;
      }
      sqlType = `vector(${size})`;
    }
    if (colArgs?.dataType) sqlType = colArgs.dataType as string;
    else if (list) sqlType = `${sqlType}[]`;
    const column: Column = {
      field,
      column: (colArgs?.name as string | undefined) ?? snakeCase(field),
      type,
      nonNull,
      sqlType,
      explicit: true,
      ...(node.loc ? { file: node.loc.source.name, location: locationOf(node) } : {}),
    };
    const def = this.columnDefault(node);
    if (def) column.default = def;
    const searchable = this.directive(node, "searchable");
    if (searchable) {
      if (named !== "String" || list) {
        this.fail(
          node,
          `@searchable is only for String fields (${table.typeName}.${field} is ${named}${list ? " list" : ""})`,
        );
        return;
      }
      column.searchLanguage = String(searchable.language ?? "english");
    }
    table.columns.push(column);
  }

  private columnDefault(node: FieldDefinitionNode): ColumnDefault | undefined {
    const args = this.directive(node, "default");
    if (!args) return undefined;
    const given = (["value", "expr", "sql"] as const).filter((k) => args[k] !== undefined);
    if (given.length !== 1) {
      this.fail(node, `@default on ${node.name.value} needs exactly one of value, expr or sql`);
      return undefined;
    }
    const kind = given[0]!;
    if (kind === "value") return { kind, value: args.value };
    if (kind === "expr") {
      const expr = String(args.expr);
      if (!["uuidV4()", "request.time", "auth.uid"].includes(expr)) {
        this.fail(
          node,
          `@default(expr: "${expr}") is not supported; use "uuidV4()", "request.time" or "auth.uid"`,
        );
      }
      return { kind, expr };
    }
    return { kind, sql: String(args.sql) };
  }

  /** Fills in FK columns of the table's relations, resolving targets first (their keys may be relations). */
  private resolveRelations(typeName: string): void {
    if (this.resolved.has(typeName)) return;
    const entry = this.tables.get(typeName);
    if (!entry) return;
    if (this.resolving.has(typeName)) {
      this.fail(entry.node, `the key of ${typeName} depends on itself through relations`);
      return;
    }
    this.resolving.add(typeName);
    const { node, table } = entry;
    const keyRelations = new Set(table.declaredKey);
    // Relations in the key must be resolved before this table's key is known; others may point anywhere.
    for (const relation of table.relations) {
      if (keyRelations.has(relation.field)) this.resolveRelations(relation.target);
    }
    for (const relation of table.relations) {
      if (!keyRelations.has(relation.field) && relation.target !== typeName)
        this.resolveKeyOnly(relation.target);
    }
    this.resolveKey(table, node);
    for (const relation of table.relations) this.resolveRelation(table, node, relation);
    this.resolving.delete(typeName);
    this.resolved.add(typeName);
  }

  /** Makes sure a target's key fields are known without walking its other relations (breaks cycles). */
  private resolveKeyOnly(typeName: string): void {
    const entry = this.tables.get(typeName);
    if (!entry || entry.table.keyFields.length > 0 || this.resolving.has(typeName)) return;
    this.resolveRelations(typeName);
  }

  private resolveKey(table: Table, node: ObjectTypeDefinitionNode): void {
    if (table.kind === "view" || table.keyFields.length > 0) return;
    for (const name of table.declaredKey) {
      const relation = table.relations.find((r) => r.field === name);
      if (relation) {
        const target = this.tables.get(relation.target)?.table;
        if (!target) continue;
        if (!relation.nonNull) this.fail(node, `key field ${table.typeName}.${name} must be non-null`);
        table.keyFields.push(...target.keyFields.map((k) => `${name}${upperFirst(k)}`));
        continue;
      }
      const column = table.columns.find((c) => c.field === name);
      if (!column) this.fail(node, `@table(key) of ${table.typeName} names ${name}, which is not a field`);
      else if (!column.nonNull) this.fail(node, `key field ${table.typeName}.${name} must be non-null`);
      else if (column.type.list) this.fail(node, `key field ${table.typeName}.${name} cannot be a list`);
      table.keyFields.push(name);
    }
  }

  private resolveRelation(table: Table, node: ObjectTypeDefinitionNode, relation: Relation): void {
    if (relation.columns.length > 0) return;
    const target = this.tables.get(relation.target)?.table;
    if (!target) return;
    if (target.kind === "view") {
      this.fail(
        node,
        `${table.typeName}.${relation.field}: a relation cannot point at the @view ${target.typeName}`,
      );
      return;
    }
    const fieldNode = node.fields?.find((f) => f.name.value === relation.field);
    const refArgs = fieldNode ? this.directive(fieldNode, "ref") : undefined;
    const references = (refArgs?.references as string[] | undefined) ?? target.keyFields;
    const targetColumns = references.map((ref) => target.columns.find((c) => c.field === ref));
    if (targetColumns.some((c) => !c)) {
      this.fail(
        fieldNode ?? node,
        `@ref(references) of ${table.typeName}.${relation.field} names a field ${target.typeName} lacks`,
      );
      return;
    }
    const explicitFields = refArgs?.fields as string[] | undefined;
    if (explicitFields && explicitFields.length !== references.length) {
      this.fail(
        fieldNode ?? node,
        `@ref(fields) and references of ${table.typeName}.${relation.field} differ in length`,
      );
      return;
    }
    targetColumns.forEach((targetColumn, i) => {
      const fkField = explicitFields?.[i] ?? `${relation.field}${upperFirst(targetColumn!.field)}`;
      let column = table.columns.find((c) => c.field === fkField);
      if (!column) {
        column = {
          field: fkField,
          column: snakeCase(fkField),
          type: { ...targetColumn!.type },
          nonNull: relation.nonNull,
          sqlType: targetColumn!.sqlType.replace(/^(big)?serial$/, (_, big) => (big ? "bigint" : "integer")),
          relation: relation.field,
          explicit: false,
        };
        // Keep generated FK columns right after the relation's position for readable DDL.
        table.columns.push(column);
      } else {
        column.relation = relation.field;
      }
      relation.fkFields.push(fkField);
      relation.columns.push(column.column);
      relation.references.push(targetColumn!.column);
    });
    relation.constraintName =
      (refArgs?.constraintName as string | undefined) ?? `${table.name}_${relation.columns.join("_")}_fkey`;
    const keyColumns = table.keyFields.map((k) => table.columns.find((c) => c.field === k)?.column);
    if (sameSet(keyColumns, relation.columns)) relation.unique = true;
  }

  private addIndexes(node: ObjectTypeDefinitionNode, table: Table): void {
    const columnsOf = (
      fields: string[],
      at: ObjectTypeDefinitionNode | FieldDefinitionNode,
    ): string[] | undefined => {
      const out: string[] = [];
      for (const f of fields) {
        const relation = table.relations.find((r) => r.field === f);
        if (relation) out.push(...relation.columns);
        else {
          const column = table.columns.find((c) => c.field === f);
          if (!column) {
            this.fail(at, `index on ${table.typeName} names ${f}, which is not a field`);
            return undefined;
          }
          out.push(column.column);
        }
      }
      return out;
    };
    const add = (
      at: ObjectTypeDefinitionNode | FieldDefinitionNode,
      fields: string[],
      directive: ConstDirectiveNode,
    ) => {
      const unique = directive.name.value === "unique";
      const args = this.directiveValues(directive) ?? {};
      const columns = columnsOf(fields, at);
      if (!columns || columns.length === 0) return;
      const order = args.order as ("ASC" | "DESC")[] | undefined;
      const isList = fields.some((f) => table.columns.find((c) => c.field === f)?.type.list);
      const isVector = fields.some((f) => table.columns.find((c) => c.field === f)?.type.name === "Vector");
      const method =
        (args.type as Index["method"] | undefined) ?? (isList ? "GIN" : isVector ? "HNSW" : "BTREE");
      const vectorMethod = isVector
        ? ((args.vector_method as Index["vectorMethod"]) ?? "INNER_PRODUCT")
        : undefined;
      const suffix =
        order && columns.length > 1 ? `_${order.map((o) => (o === "DESC" ? "d" : "a")).join("")}` : "";
      const name =
        (args.name as string | undefined) ??
        (args.indexName as string | undefined) ??
        `${table.name}_${columns.join("_")}${suffix}_${unique ? "uidx" : "idx"}`;
      table.indexes.push({
        name,
        columns,
        method,
        unique,
        ...(order ? { order } : {}),
        ...(vectorMethod ? { vectorMethod } : {}),
      });
    };
    for (const directive of node.directives ?? []) {
      if (directive.name.value !== "index" && directive.name.value !== "unique") continue;
      const fields = this.directiveValues(directive)?.fields as string[] | undefined;
      if (!fields) this.fail(directive, `@${directive.name.value} on a type needs fields`);
      else add(node, fields, directive);
    }
    for (const field of node.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== "index" && directive.name.value !== "unique") continue;
        if (this.directiveValues(directive)?.fields)
          this.fail(directive, `fields is only allowed on a type-level @${directive.name.value}`);
        add(field, [field.name.value], directive);
      }
    }
  }

  private checkNameClashes(): void {
    const seen = new Map<string, string>();
    for (const { node, table } of this.tables.values()) {
      for (const name of [table.singular, table.plural]) {
        const other = seen.get(name);
        if (other && other !== table.typeName) {
          this.fail(
            node,
            `${table.typeName} and ${other} both generate the field name ${name}; set @table(singular/plural)`,
          );
        }
        seen.set(name, table.typeName);
      }
      const columns = new Map<string, string>();
      for (const column of table.columns) {
        const other = columns.get(column.column);
        if (other)
          this.fail(
            node,
            `${table.typeName}.${column.field} and ${other} map to the same column ${column.column}`,
          );
        columns.set(column.column, column.field);
      }
    }
  }

  private isTableType(name: string): boolean {
    return this.tables.has(name);
  }

  private isReserved(name: string): boolean {
    return this.schema.getType(name) !== undefined || name === "Mutation";
  }

  private directive(
    node: ObjectTypeDefinitionNode | FieldDefinitionNode,
    name: string,
  ): Record<string, unknown> | undefined {
    const directive = node.directives?.find((d) => d.name.value === name);
    return directive ? this.directiveValues(directive) : undefined;
  }

  private directiveValues(directive: ConstDirectiveNode): Record<string, unknown> | undefined {
    const def = this.schema.getDirective(directive.name.value);
    if (!def) return undefined;
    for (const arg of directive.arguments ?? []) {
      if (!def.args.some((a) => a.name === arg.name.value)) {
        this.fail(arg, `@${def.name} has no argument ${arg.name.value}`);
      }
    }
    try {
      return getDirectiveValues(def, { directives: [directive] }) ?? {};
    } catch (error) {
      this.errors.push(...graphqlErrorToCompileErrors(error));
      return undefined;
    }
  }

  private fail(node: { loc?: import("graphql").Location | undefined }, message: string): void {
    this.errors.push(...graphqlErrorToCompileErrors(new GraphQLError(message, { nodes: [node as never] })));
  }
}

function unwrap(type: TypeNode): { named: string; nonNull: boolean; list: boolean; elementNonNull: boolean } {
  let nonNull = false;
  let list = false;
  let elementNonNull = false;
  let t = type;
  if (t.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    t = t.type;
  }
  if (t.kind === Kind.LIST_TYPE) {
    list = true;
    t = t.type;
    if (t.kind === Kind.NON_NULL_TYPE) {
      elementNonNull = true;
      t = t.type;
    }
  }
  if (t.kind !== Kind.NAMED_TYPE) return { named: "<nested list>", nonNull, list, elementNonNull };
  return { named: t.name.value, nonNull, list, elementNonNull };
}

function locationOf(node: { loc?: import("graphql").Location | undefined }) {
  const error = new GraphQLError("", { nodes: [node as never] });
  return error.locations?.[0] ?? { line: 1, column: 1 };
}

function sameSet(a: readonly (string | undefined)[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => x !== undefined && b.includes(x));
}
