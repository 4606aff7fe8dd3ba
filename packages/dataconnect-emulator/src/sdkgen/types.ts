// GraphQL → TypeScript: the `Data` and `Variables` types of each connector operation, the `T_Key` type of
// each table and the enums and input types the operations use, following the official generator's typing
// rules (spec §5.4).
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type SelectionSetNode,
  typeFromAST,
} from "graphql";
import type { PreparedOperation } from "../engine/operation.ts";
import type { CompiledProject } from "../engine/project.ts";
import { lowerFirst, upperFirst } from "../schema/naming.ts";

/** The string aliases every generated `index.d.ts` declares, in the official order. */
export const SCALAR_ALIASES = ["TimestampString", "UUIDString", "Int64String", "DateString"] as const;

/** Built-in scalars → TypeScript, as the official generator maps them. */
const SCALAR_TS: Record<string, string> = {
  String: "string",
  ID: "string",
  Int: "number",
  Float: "number",
  Boolean: "boolean",
  UUID: "UUIDString",
  Int64: "Int64String",
  Date: "DateString",
  Timestamp: "TimestampString",
  Any: "unknown",
  Vector: "number[]",
  True: "boolean",
};

/** One connector operation as the SDK exposes it. */
export interface SdkOperation {
  /** `GetPost`: the name the server knows it by. */
  name: string;
  /** `getPost`: the action; the ref is `getPostRef`, the hook `useGetPost`. */
  functionName: string;
  kind: "query" | "mutation";
  /** `GetPostData`. */
  dataType: string;
  /** `GetPostVariables`, when the operation declares variables. */
  variablesType: string | undefined;
  /** Some variable is non-null without a default: callers must pass variables. */
  variablesRequired: boolean;
}

/** Everything a connector's typed SDK declares. */
export interface SdkTypes {
  operations: SdkOperation[];
  /** Interface name → body (`{ … }`), for `Data`, `Variables`, `T_Key` and input types. */
  interfaces: Map<string, string>;
  /** Enums the operations use: name → values in declaration order. */
  enums: Map<string, readonly string[]>;
}

/** Derives the SDK's operations and types for one connector (operations in source order). */
export function connectorTypes(project: CompiledProject, operations: Iterable<PreparedOperation>): SdkTypes {
  const context: TypeContext = {
    schema: project.schema,
    keys: tableKeys(project),
    interfaces: new Map(),
    enums: new Map(),
  };
  for (const [typeName, body] of keyInterfaces(project, context)) context.interfaces.set(typeName, body);
  const result: SdkOperation[] = [];
  for (const operation of operations) {
    const name = operation.name!;
    const dataType = `${upperFirst(name)}Data`;
    const root =
      operation.kind === "query" ? project.schema.getQueryType()! : project.schema.getMutationType()!;
    context.interfaces.set(
      dataType,
      renderSelection(context, root, operation.operation.selectionSet, operation.fragments, 0),
    );
    const variables = operation.operation.variableDefinitions ?? [];
    let variablesType: string | undefined;
    let variablesRequired = false;
    if (variables.length > 0) {
      variablesType = `${upperFirst(name)}Variables`;
      const lines = variables.map((definition) => {
        const type = typeFromAST(project.schema, definition.type) as GraphQLInputType;
        const required = isNonNullType(type) && definition.defaultValue === undefined;
        if (required) variablesRequired = true;
        return property(definition.variable.name.value, inputTypeExpression(context, type), required, 1);
      });
      context.interfaces.set(variablesType, block(lines, 0));
    }
    result.push({
      name,
      functionName: lowerFirst(name),
      kind: operation.kind,
      dataType,
      variablesType,
      variablesRequired,
    });
  }
  return { operations: result, interfaces: context.interfaces, enums: context.enums };
}

interface TypeContext {
  schema: GraphQLSchema;
  /** Table type name → its primary key fields. */
  keys: Map<string, readonly string[]>;
  interfaces: Map<string, string>;
  enums: Map<string, readonly string[]>;
}

function tableKeys(project: CompiledProject): Map<string, readonly string[]> {
  const keys = new Map<string, readonly string[]>();
  for (const table of project.model.tables) {
    if (table.kind === "table" && table.keyFields.length > 0) keys.set(table.typeName, table.keyFields);
  }
  return keys;
}

/** `T_Key` for every table, as the official generator declares them (used or not). */
function keyInterfaces(project: CompiledProject, context: TypeContext): [string, string][] {
  const result: [string, string][] = [];
  for (const table of project.model.tables) {
    if (!context.keys.has(table.typeName)) continue;
    const lines = table.keyFields.map((field) => {
      const column = table.columns.find((c) => c.field === field);
      const type = column
        ? column.type.kind === "enum"
          ? enumReference(context, column.type.name)
          : scalarExpression(column.type.name, context)
        : "unknown";
      return property(field, column?.type.list ? `${type}[]` : type, true, 1);
    });
    const name = `${table.typeName}_Key`;
    lines.push(`  __typename?: '${name}';`);
    result.push([name, block(lines, 0)]);
  }
  return result;
}

/** The object type a selection set produces, as a TS object literal type indented at `depth`. */
function renderSelection(
  context: TypeContext,
  parent: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  depth: number,
): string {
  const fields = collectFields(selectionSet, fragments);
  const lines: string[] = [];
  for (const [responseKey, nodes] of fields) {
    const fieldName = nodes[0]!.name.value;
    if (fieldName === "__typename") {
      lines.push(property(responseKey, "string", true, depth + 1));
      continue;
    }
    const definition = parent.getFields()[fieldName];
    if (!definition) continue; // validated already; cannot happen
    const merged: SelectionSetNode = {
      kind: Kind.SELECTION_SET,
      selections: nodes.flatMap((node) => node.selectionSet?.selections ?? []),
    };
    const type = definition.type;
    const expression = outputTypeExpression(context, type, merged, fragments, depth + 1);
    if (isNonNullType(type)) {
      lines.push(property(responseKey, expression, true, depth + 1));
    } else if (isObjectType(type)) {
      // The official generator declares a nullable object as `field?: {…}` without `| null` (the server
      // sends null); kept so that code written against it type-checks the same against this SDK.
      lines.push(`${indent(depth + 1)}${responseKey}?: ${expression};`);
    } else {
      lines.push(property(responseKey, expression, false, depth + 1));
    }
  }
  return block(lines, depth);
}

/** Fields of a selection set by response key, fragments and inline fragments flattened, in order. */
function collectFields(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  into = new Map<string, FieldNode[]>(),
  seen = new Set<string>(),
): Map<string, FieldNode[]> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const list = into.get(key);
      if (list) list.push(selection);
      else into.set(key, [selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectFields(selection.selectionSet, fragments, into, seen);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || seen.has(name)) continue;
      seen.add(name);
      collectFields(fragment.selectionSet, fragments, into, seen);
    }
  }
  return into;
}

function outputTypeExpression(
  context: TypeContext,
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  depth: number,
): string {
  if (isNonNullType(type)) return outputTypeExpression(context, type.ofType, selectionSet, fragments, depth);
  if (isListType(type)) {
    const element = type.ofType as GraphQLOutputType;
    const inner = outputTypeExpression(context, element, selectionSet, fragments, depth);
    const named = namedType(element);
    if (isObjectType(named)) return `(${inner})[]`;
    return isNonNullType(element) ? `${arrayElement(inner)}[]` : `(${inner} | null)[]`;
  }
  if (isObjectType(type)) {
    const shape = renderSelection(context, type, selectionSet, fragments, depth);
    const keyFields = context.keys.get(type.name);
    if (keyFields && selectsKey(selectionSet, fragments, keyFields)) return `${shape} & ${type.name}_Key`;
    return shape;
  }
  return leafExpression(context, type);
}

/** Whether every key field is selected under its own name, so the object is also a `T_Key`. */
function selectsKey(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  keyFields: readonly string[],
): boolean {
  const fields = collectFields(selectionSet, fragments);
  return keyFields.every((field) => fields.get(field)?.some((node) => node.name.value === field));
}

function inputTypeExpression(context: TypeContext, type: GraphQLInputType): string {
  if (isNonNullType(type)) return inputTypeExpression(context, type.ofType);
  if (isListType(type)) {
    const element = type.ofType as GraphQLInputType;
    const inner = inputTypeExpression(context, element);
    return isNonNullType(element) ? `${arrayElement(inner)}[]` : `(${inner} | null)[]`;
  }
  if (isInputObjectType(type)) {
    if (!context.interfaces.has(type.name)) {
      context.interfaces.set(type.name, "{}"); // placeholder: input types may refer to themselves
      const lines = Object.values(type.getFields()).map((field) =>
        property(
          field.name,
          inputTypeExpression(context, field.type),
          isNonNullType(field.type) && field.defaultValue === undefined,
          1,
        ),
      );
      context.interfaces.set(type.name, block(lines, 0));
    }
    return type.name;
  }
  return leafExpression(context, type);
}

function leafExpression(context: TypeContext, type: GraphQLNamedType): string {
  if (isEnumType(type)) return enumReference(context, type.name);
  if (isScalarType(type)) return scalarExpression(type.name, context);
  return "unknown";
}

/** A scalar's TS type: built-ins, `T_KeyOutput` → `T_Key`, CEL `*_Expr` strings; anything else `unknown`. */
function scalarExpression(name: string, context: TypeContext): string {
  const builtIn = SCALAR_TS[name];
  if (builtIn) return builtIn;
  const keyOutput = /^(.+)_KeyOutput$/.exec(name);
  if (keyOutput && context.keys.has(keyOutput[1]!)) return `${keyOutput[1]}_Key`;
  if (name.endsWith("_Expr")) return "string";
  return "unknown";
}

function enumReference(context: TypeContext, name: string): string {
  if (!context.enums.has(name)) {
    const type = context.schema.getType(name);
    context.enums.set(name, isEnumType(type) ? type.getValues().map((value) => value.name) : []);
  }
  return name;
}

function namedType(type: GraphQLOutputType): GraphQLNamedType {
  let current: GraphQLOutputType = type;
  while (isNonNullType(current) || isListType(current)) current = current.ofType as GraphQLOutputType;
  return current;
}

/** `number[]` as a list element stays `number[][]`; a union needs parentheses. */
function arrayElement(expression: string): string {
  return expression.includes(" ") && !expression.startsWith("(") ? `(${expression})` : expression;
}

/** `name: T;` when required, else `name?: T | null;` (the official rule for nullable values). */
function property(name: string, type: string, required: boolean, depth: number): string {
  return required ? `${indent(depth)}${name}: ${type};` : `${indent(depth)}${name}?: ${type} | null;`;
}

function block(lines: string[], depth: number): string {
  return lines.length === 0 ? "{\n}" : `{\n${lines.join("\n")}\n${indent(depth)}}`;
}

function indent(depth: number): string {
  return "  ".repeat(depth);
}
