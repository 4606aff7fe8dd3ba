// SchemaModel → the generated SDL files (spec §3, §3.8): implicit.gql, relation.gql, input.gql,
// query.gql and mutation.gql. They are both what editors read in `.dataconnect/schema/main/` and,
// parsed together with the prelude and the user's schema, the executable GraphQL schema itself.
import type { Column, SchemaModel, Table } from "../schema/model.ts";
import { NUMERIC_SCALARS } from "../schema/prelude.ts";
import { relationFieldsOf } from "./relations.ts";

/** The generated files, keyed by their name under `.dataconnect/schema/main/`. */
export interface ImplicitSdl {
  "implicit.gql": string;
  "relation.gql": string;
  "input.gql": string;
  "query.gql": string;
  "mutation.gql": string;
}

const MIN_MAX = new Set(["Int", "Int64", "Float", "Date", "Timestamp"]);
const LIST_ARGS = (t: string) =>
  `where: ${t}_Filter, orderBy: [${t}_Order!], offset: Int, limit: Int = 100, distinct: Boolean = false, having: ${t}_Having`;

const doc = (text: string, indent = "  ") => `${indent}"""\n${indent}✨ ${text}\n${indent}"""\n`;
const gen = (from: string, purpose: string) => `@fdc_generated(from: "${from}", purpose: ${purpose})`;

/** Whether `(id: …)` is offered: only when the key is the single field `id`. */
export function hasIdArgument(table: Table): boolean {
  return table.keyFields.length === 1 && table.keyFields[0] === "id";
}

/** Generates the five SDL files for `model`. */
export function implicitSdl(model: SchemaModel): ImplicitSdl {
  const tables = [...model.tables].sort((a, b) => a.typeName.localeCompare(b.typeName));
  return {
    "implicit.gql": tables.map(implicitFields).filter(Boolean).join("\n"),
    "relation.gql": tables.map((t) => relationFields(model, t)).join("\n"),
    "input.gql": [...model.enums.map(enumInputs), ...tables.map((t) => tableInputs(model, t))].join("\n"),
    "query.gql": `extend type Query {\n${tables.map(queryFields).join("")}}\n`,
    "mutation.gql": `extend type Mutation {\n${tables
      .filter((t) => t.kind === "table")
      .map(mutationFields)
      .join("")}}\n`,
  };
}

function implicitFields(table: Table): string {
  const generated = table.columns.filter((c) => !c.explicit);
  if (generated.length === 0) return "";
  const fields = generated.map((c) => {
    const purpose = c.relation ? "IMPLICIT_REF_FIELD" : "IMPLICIT_KEY_FIELD";
    const from = c.relation ? `${table.typeName}.${c.relation}` : table.typeName;
    const what = c.relation
      ? `Implicit foreign key field based on \`${table.typeName}\`.\`${c.relation}\`.`
      : `Implicit primary key field. It's a UUID column default to a generated new value.`;
    return `${doc(what)}  ${c.field}: ${outputType(c)} ${gen(from, purpose)}\n`;
  });
  return `extend type ${table.typeName} @fdc_generated(from: "${table.typeName}", purpose: IMPLICIT_KEY_FIELD) {\n${fields.join("")}}\n`;
}

function outputType(c: Column): string {
  const base = c.type.list ? `[${c.type.name}${c.type.elementNonNull ? "!" : ""}]` : c.type.name;
  return c.nonNull ? `${base}!` : base;
}

function relationFields(model: SchemaModel, table: Table): string {
  const T = table.typeName;
  const lines: string[] = [];
  lines.push(
    `${doc("Metadata of a row found by search.")}  _metadata: _Metadata ${gen(T, "METADATA_FIELD")}\n`,
  );
  for (const field of relationFieldsOf(model, table)) {
    if (field.kind === "reverseOne") {
      const S = field.source.typeName;
      lines.push(
        `${doc(`The \`${S}\` whose \`${field.relation.field}\` is this \`${T}\` (one-to-one).`)}  ${field.name}: ${S} ${gen(`${S}.${field.relation.field}`, "QUERY_SINGLE")}\n`,
      );
    } else if (field.kind === "reverseMany") {
      const S = field.source.typeName;
      lines.push(
        `${doc(`The \`${S}\` rows whose \`${field.relation.field}\` is this \`${T}\` (one-to-many).`)}  ${field.name}(${LIST_ARGS(S)}): [${S}!]! ${gen(`${S}.${field.relation.field}`, "QUERY_MULTIPLE_ONE_TO_MANY")}\n`,
      );
    } else {
      const J = field.join.typeName;
      lines.push(
        `${doc(`The \`${field.target.typeName}\` rows joined to this \`${T}\` through \`${J}\` (many-to-many).`)}  ${field.name}(${LIST_ARGS(J)}): [${field.target.typeName}!]! ${gen(`${J}`, "QUERY_MULTIPLE_MANY_TO_MANY")}\n`,
      );
    }
  }
  lines.push(`${doc("Number of rows in the group.")}  _count: Int! ${gen(T, "QUERY_COUNT")}\n`);
  for (const c of table.columns) {
    if (c.type.list || c.type.name === "Vector") continue;
    const from = `${T}.${c.field}`;
    lines.push(
      `${doc(`Number of non-null \`${c.field}\` values in the group.`)}  ${c.field}_count(distinct: Boolean = false): Int! ${gen(from, "QUERY_COUNT")}\n`,
    );
    if (NUMERIC_SCALARS.has(c.type.name)) {
      lines.push(
        `${doc(`Sum of \`${c.field}\` in the group.`)}  ${c.field}_sum(distinct: Boolean = false): ${c.type.name} ${gen(from, "QUERY_SUM")}\n`,
        `${doc(`Average of \`${c.field}\` in the group.`)}  ${c.field}_avg(distinct: Boolean = false): Float ${gen(from, "QUERY_AVG")}\n`,
      );
    }
    if (c.type.kind === "scalar" && MIN_MAX.has(c.type.name)) {
      lines.push(
        `${doc(`Least \`${c.field}\` in the group.`)}  ${c.field}_min: ${c.type.name} ${gen(from, "QUERY_MIN")}\n`,
        `${doc(`Greatest \`${c.field}\` in the group.`)}  ${c.field}_max: ${c.type.name} ${gen(from, "QUERY_MAX")}\n`,
      );
    }
  }
  return `extend type ${T} {\n${lines.join("")}}\n`;
}

function enumInputs(e: { name: string; values: string[] }): string {
  const E = e.name;
  return [
    `input ${E}_Filter {\n  isNull: Boolean\n  eq: ${E}\n  ne: ${E}\n  gt: ${E}\n  ge: ${E}\n  lt: ${E}\n  le: ${E}\n  in: [${E}!]\n  nin: [${E}!]\n}`,
    `input ${E}_ListFilter {\n  includes: ${E}\n  excludes: ${E}\n  includesAll: [${E}!]\n  excludesAll: [${E}!]\n}`,
    `input ${E}_ListUpdate {\n  append: [${E}!] @fdc_oneOf\n  prepend: [${E}!] @fdc_oneOf\n  add: [${E}!] @fdc_oneOf\n  remove: [${E}!] @fdc_oneOf\n}\n`,
  ].join("\n");
}

function tableInputs(model: SchemaModel, table: Table): string {
  const T = table.typeName;
  const forbidden = "@fdc_forbiddenInVariables";
  const out: string[] = [];
  out.push(`"""\n✨ The key of a \`${T}\` row, as a JSON object.\n"""\nscalar ${T}_KeyOutput`);
  if (table.kind === "table") {
    const keyFields = table.keyFields.map((k) => table.columns.find((c) => c.field === k)!);
    out.push(
      `input ${T}_Key {\n${keyFields.map((c) => `  ${c.field}: ${c.type.name}\n  ${c.field}_expr: ${c.type.name}_Expr ${forbidden}\n`).join("")}}`,
    );
  }
  out.push(`input ${T}_FirstRow {\n  where: ${T}_Filter\n  orderBy: [${T}_Order!]\n}`);

  if (table.kind === "table") {
    const data: string[] = [];
    for (const c of table.columns) {
      const S = c.type.name;
      if (c.type.list) {
        data.push(`  ${c.field}: [${S}!]`, `  ${c.field}_update: [${S}_ListUpdate!] ${forbidden}`);
        continue;
      }
      data.push(`  ${c.field}: ${S}`);
      if (c.type.kind === "scalar" && S !== "Vector") data.push(`  ${c.field}_expr: ${S}_Expr ${forbidden}`);
      if (S === "Date") data.push(`  ${c.field}_date: Date_Relative ${forbidden}`);
      if (S === "Timestamp") data.push(`  ${c.field}_time: Timestamp_Relative ${forbidden}`);
      if (NUMERIC_SCALARS.has(S) || S === "Date" || S === "Timestamp")
        data.push(`  ${c.field}_update: [${S}_Update!] ${forbidden}`);
    }
    for (const r of table.relations) data.push(`  ${r.field}: ${r.target}_Key ${forbidden}`);
    out.push(`input ${T}_Data {\n${data.join("\n")}\n}`);
  }

  const filter = [`  _and: [${T}_Filter!]`, `  _or: [${T}_Filter!]`, `  _not: ${T}_Filter`];
  for (const c of table.columns) {
    if (c.type.name === "Vector") continue;
    filter.push(`  ${c.field}: ${c.type.name}_${c.type.list ? "ListFilter" : "Filter"}`);
  }
  for (const r of table.relations) filter.push(`  ${r.field}: ${r.target}_Filter`);
  for (const f of relationFieldsOf(model, table)) {
    if (f.kind === "reverseOne") filter.push(`  ${f.name}: ${f.source.typeName}_Filter`);
    else if (f.kind === "reverseMany") filter.push(`  ${f.name}: ${f.source.typeName}_ListFilter`);
    else filter.push(`  ${f.name}: ${f.target.typeName}_ListFilter`);
  }
  out.push(`input ${T}_Filter {\n${filter.join("\n")}\n}`);
  out.push(`input ${T}_ListFilter {\n  count: Int_Filter = {gt: 0}\n  exist: ${T}_Filter\n}`);

  const order: string[] = [];
  const having: string[] = [
    `  _and: [${T}_Having!]`,
    `  _or: [${T}_Having!]`,
    `  _not: ${T}_Having`,
    "  _count: Int_Filter",
  ];
  for (const c of table.columns) {
    if (c.type.list || c.type.name === "Vector") continue;
    if (c.type.name !== "Any") order.push(`  ${c.field}: OrderDirection`);
    order.push(`  ${c.field}_count: OrderDirection`);
    having.push(`  ${c.field}_count: Int_Filter`);
    if (NUMERIC_SCALARS.has(c.type.name)) {
      order.push(`  ${c.field}_sum: OrderDirection`, `  ${c.field}_avg: OrderDirection`);
      having.push(`  ${c.field}_sum: ${c.type.name}_Filter`, `  ${c.field}_avg: Float_Filter`);
    }
    if (c.type.kind === "scalar" && MIN_MAX.has(c.type.name)) {
      order.push(`  ${c.field}_min: OrderDirection`, `  ${c.field}_max: OrderDirection`);
      having.push(`  ${c.field}_min: ${c.type.name}_Filter`, `  ${c.field}_max: ${c.type.name}_Filter`);
    }
  }
  for (const r of table.relations) order.push(`  ${r.field}: ${r.target}_Order`);
  order.push("  _count: OrderDirection");
  out.push(`input ${T}_Order {\n${order.join("\n")}\n}`);
  out.push(`input ${T}_Having {\n${having.join("\n")}\n}\n`);
  return out.join("\n");
}

function queryFields(table: Table): string {
  const T = table.typeName;
  const single =
    table.kind === "table"
      ? `${hasIdArgument(table) ? `id: ${table.columns.find((c) => c.field === "id")!.type.name}, ` : ""}key: ${T}_Key, first: ${T}_FirstRow`
      : `first: ${T}_FirstRow`;
  return (
    `${doc(`Look up a single \`${T}\` based on \`id\`, \`key\` or \`first\` and return selected fields (or \`null\` if not found).`)}  ${table.singular}(${single}): ${T} ${gen(T, "QUERY_SINGLE")}\n` +
    `${doc(`List \`${T}\` entries in the table, optionally filtered by \`where\` conditions.`)}  ${table.plural}(${LIST_ARGS(T)}): [${T}!]! ${gen(T, "QUERY_MULTIPLE")}\n` +
    (table.columns.some((c) => c.searchLanguage)
      ? `${doc(`Full-text search over the \`@searchable\` fields of \`${T}\`, most relevant first unless \`orderBy\` says otherwise.`)}  ${table.plural}_search(query: String, queryFormat: Search_QueryFormat = QUERY, relevanceThreshold: Float, ${LIST_ARGS(T)}): [${T}!]! ${gen(T, "QUERY_MULTIPLE_BY_FULL_TEXT_SEARCH")}\n`
      : "")
  );
}

function mutationFields(table: Table): string {
  const T = table.typeName;
  const t = table.singular;
  const lookup = `${hasIdArgument(table) ? `id: ${table.columns.find((c) => c.field === "id")!.type.name}, ` : ""}key: ${T}_Key, first: ${T}_FirstRow`;
  return [
    `${doc(`Insert a single \`${T}\` into the table and return its key.`)}  ${t}_insert(data: ${T}_Data!): ${T}_KeyOutput! ${gen(T, "INSERT_SINGLE")}\n`,
    `${doc(`Insert \`${T}\` entries into the table and return their keys.`)}  ${t}_insertMany(data: [${T}_Data!]!): [${T}_KeyOutput!]! ${gen(T, "INSERT_MULTIPLE")}\n`,
    `${doc(`Insert or update a single \`${T}\` by its primary key and return its key.`)}  ${t}_upsert(data: ${T}_Data!): ${T}_KeyOutput! ${gen(T, "UPSERT_SINGLE")}\n`,
    `${doc(`Insert or update \`${T}\` entries by primary key and return their keys.`)}  ${t}_upsertMany(data: [${T}_Data!]!): [${T}_KeyOutput!]! ${gen(T, "UPSERT_MULTIPLE")}\n`,
    `${doc(`Update a single \`${T}\` based on \`id\`, \`key\` or \`first\`; \`null\` if none matched.`)}  ${t}_update(${lookup}, data: ${T}_Data!): ${T}_KeyOutput ${gen(T, "UPDATE_SINGLE")}\n`,
    `${doc(`Update \`${T}\` entries matching \`where\` (or \`all\`) and return how many.`)}  ${t}_updateMany(where: ${T}_Filter, all: Boolean = false, data: ${T}_Data!): Int! ${gen(T, "UPDATE_MULTIPLE")}\n`,
    `${doc(`Delete a single \`${T}\` based on \`id\`, \`key\` or \`first\`; \`null\` if none matched.`)}  ${t}_delete(${lookup}): ${T}_KeyOutput ${gen(T, "DELETE_SINGLE")}\n`,
    `${doc(`Delete \`${T}\` entries matching \`where\` (or \`all\`) and return how many.`)}  ${t}_deleteMany(where: ${T}_Filter, all: Boolean = false): Int! ${gen(T, "DELETE_MULTIPLE")}\n`,
  ].join("");
}
