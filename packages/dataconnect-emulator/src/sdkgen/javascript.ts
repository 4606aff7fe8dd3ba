// The core web SDK module (`firebase/data-connect`): `index.cjs.js`, `esm/index.esm.js` and `index.d.ts`,
// with the exported API and calling conventions of the official generator (spec §5.3, §5.4).
import { SCALAR_ALIASES, type SdkOperation, type SdkTypes } from "./types.ts";

/** What one generated connector SDK is about: where its operations live and what they are. */
export interface ConnectorSdk {
  connectorId: string;
  serviceId: string;
  location: string;
  types: SdkTypes;
  /** `clientCache` is set in `connector.yaml`: export `dataConnectSettings` with a memory cache. */
  clientCache: boolean;
}

/** `esm/index.esm.js`. */
export function coreEsm(sdk: ConnectorSdk): string {
  const out = [`import { ${coreImports(sdk).join(", ")} } from 'firebase/data-connect';`, ""];
  out.push(...enumObjects(sdk, "export const "));
  out.push(`export const connectorConfig = ${connectorConfigLiteral(sdk)};`, "");
  if (sdk.clientCache) out.push(`export const dataConnectSettings = ${CACHE_SETTINGS};`, "");
  for (const op of sdk.types.operations) {
    out.push(`export const ${refFunction(op)}`, `${op.functionName}Ref.operationName = '${op.name}';`, "");
    out.push(`export ${actionFunction(op)}`, "");
  }
  return finish(out);
}

/** `index.cjs.js`. */
export function coreCjs(sdk: ConnectorSdk): string {
  const out = [`const { ${coreImports(sdk).join(", ")} } = require('firebase/data-connect');`, ""];
  for (const [name, values] of enumEntries(sdk)) {
    out.push(`const ${name} = ${enumLiteral(values)};`, `exports.${name} = ${name};`, "");
  }
  out.push(
    `const connectorConfig = ${connectorConfigLiteral(sdk)};`,
    "exports.connectorConfig = connectorConfig;",
    "",
  );
  if (sdk.clientCache) {
    out.push(
      `const dataConnectSettings = ${CACHE_SETTINGS};`,
      "exports.dataConnectSettings = dataConnectSettings;",
      "",
    );
  }
  for (const op of sdk.types.operations) {
    const ref = `${op.functionName}Ref`;
    out.push(
      `const ${refFunction(op)}`,
      `${ref}.operationName = '${op.name}';`,
      `exports.${ref} = ${ref};`,
      "",
    );
    out.push(actionFunction(op), `exports.${op.functionName} = ${op.functionName};`, "");
  }
  return finish(out);
}

/** `index.d.ts`. */
export function coreTypes(sdk: ConnectorSdk): string {
  const ops = sdk.types.operations;
  const hasQueries = ops.some((op) => op.kind === "query");
  const hasMutations = ops.some((op) => op.kind === "mutation");
  const imports = ["ConnectorConfig"];
  if (ops.length > 0) imports.push("DataConnect");
  if (hasQueries) imports.push("QueryRef", "QueryPromise", "ExecuteQueryOptions");
  if (hasMutations) imports.push("MutationRef", "MutationPromise");
  if (sdk.clientCache) imports.push("DataConnectSettings");
  const out = [`import { ${imports.join(", ")} } from 'firebase/data-connect';`, ""];
  out.push("export const connectorConfig: ConnectorConfig;");
  if (sdk.clientCache) out.push("export const dataConnectSettings: DataConnectSettings;");
  out.push("", ...SCALAR_ALIASES.map((alias) => `export type ${alias} = string;`), "");
  out.push(...typeDeclarations(sdk.types));
  for (const op of ops) out.push(...operationDeclarations(op));
  return finish(out);
}

/** Enums (as TS enums) and interfaces, sorted by name as the official generator sorts them. */
export function typeDeclarations(types: SdkTypes): string[] {
  const out: string[] = [];
  for (const [name, values] of sortedEntries(types.enums)) {
    out.push(`export enum ${name} {`, ...values.map((value) => `  ${value} = '${value}',`), "}", "");
  }
  for (const [name, body] of sortedEntries(types.interfaces))
    out.push(`export interface ${name} ${body}`, "");
  return out;
}

/** The exported enum objects (`export const Mood = {…};`), so `Mood.HAPPY` works at run time too. */
export function enumObjects(sdk: { types: SdkTypes }, prefix: string): string[] {
  return enumEntries(sdk).flatMap(([name, values]) => [`${prefix}${name} = ${enumLiteral(values)};`, ""]);
}

/** Entries sorted by key in code-point order (`MovieMetadata_Key` before `Movie_Key`, like Go's sort). */
export function sortedEntries<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The `Variables` type argument: the interface, or `undefined` for an operation without variables. */
export function variablesArgument(op: SdkOperation): string {
  return op.variablesType ?? "undefined";
}

/** `vars: T` / `vars?: T` parameter text, or undefined without variables. */
export function varsParameter(op: SdkOperation): string | undefined {
  if (!op.variablesType) return undefined;
  return `vars${op.variablesRequired ? "" : "?"}: ${op.variablesType}`;
}

/** Joins lines into a file: no trailing blank lines, one final newline. */
export function finish(lines: string[]): string {
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return `${lines.join("\n")}\n`;
}

const CACHE_SETTINGS = `{
  cacheSettings: {
    cacheProvider: makeMemoryCacheProvider(),
  },
}`;

function coreImports(sdk: ConnectorSdk): string[] {
  const ops = sdk.types.operations;
  const imports: string[] = [];
  if (ops.some((op) => op.kind === "query"))
    imports.push("queryRef", "executeQuery", "validateArgsWithOptions");
  if (ops.some((op) => op.kind === "mutation")) imports.push("mutationRef", "executeMutation");
  if (ops.length > 0) imports.push("validateArgs");
  if (sdk.clientCache) imports.push("makeMemoryCacheProvider");
  return imports;
}

function connectorConfigLiteral(sdk: ConnectorSdk): string {
  return `{\n  connector: '${sdk.connectorId}',\n  service: '${sdk.serviceId}',\n  location: '${sdk.location}',\n}`;
}

function enumEntries(sdk: { types: SdkTypes }): [string, readonly string[]][] {
  return sortedEntries(sdk.types.enums);
}

function enumLiteral(values: readonly string[]): string {
  return values.length === 0 ? "{}" : `{\n${values.map((value) => `  ${value}: '${value}',`).join("\n")}\n}`;
}

/** `xxxRef = (dcOrVars, vars) => {…};` (without the leading `const`/`export const`). */
function refFunction(op: SdkOperation): string {
  const make = op.kind === "query" ? "queryRef" : "mutationRef";
  if (!op.variablesType) {
    return [
      `${op.functionName}Ref = (dc) => {`,
      "  const { dc: dcInstance } = validateArgs(connectorConfig, dc, undefined);",
      "  dcInstance._useGeneratedSdk();",
      `  return ${make}(dcInstance, '${op.name}');`,
      "};",
    ].join("\n");
  }
  const required = op.variablesRequired ? ", true" : "";
  return [
    `${op.functionName}Ref = (dcOrVars, vars) => {`,
    `  const { dc: dcInstance, vars: inputVars } = validateArgs(connectorConfig, dcOrVars, vars${required});`,
    "  dcInstance._useGeneratedSdk();",
    `  return ${make}(dcInstance, '${op.name}', inputVars);`,
    "};",
  ].join("\n");
}

/** `function xxx(…) {…}`: the action that builds the ref and executes it. */
function actionFunction(op: SdkOperation): string {
  const ref = `${op.functionName}Ref`;
  if (op.kind === "query") {
    const [params, args] = op.variablesType
      ? [
          "dcOrVars, varsOrOptions, options",
          `dcOrVars, varsOrOptions, options, true, ${op.variablesRequired}`,
        ]
      : ["dcOrOptions, options", "dcOrOptions, options, undefined, false, false"];
    return [
      `function ${op.functionName}(${params}) {`,
      `  const { dc: dcInstance, vars: inputVars, options: inputOpts } = validateArgsWithOptions(connectorConfig, ${args});`,
      `  return executeQuery(${ref}(dcInstance, inputVars), inputOpts && { fetchPolicy: inputOpts.fetchPolicy });`,
      "}",
    ].join("\n");
  }
  if (!op.variablesType) {
    return [
      `function ${op.functionName}(dc) {`,
      "  const { dc: dcInstance } = validateArgs(connectorConfig, dc, undefined);",
      `  return executeMutation(${ref}(dcInstance));`,
      "}",
    ].join("\n");
  }
  const required = op.variablesRequired ? ", true" : "";
  return [
    `function ${op.functionName}(dcOrVars, vars) {`,
    `  const { dc: dcInstance, vars: inputVars } = validateArgs(connectorConfig, dcOrVars, vars${required});`,
    `  return executeMutation(${ref}(dcInstance, inputVars));`,
    "}",
  ].join("\n");
}

function operationDeclarations(op: SdkOperation): string[] {
  const Ref = `${op.name.charAt(0).toUpperCase()}${op.name.slice(1)}Ref`;
  const vars = variablesArgument(op);
  const refType = `${op.kind === "query" ? "QueryRef" : "MutationRef"}<${op.dataType}, ${vars}>`;
  const varsParam = varsParameter(op);
  const out = [
    `interface ${Ref} {`,
    "  /* Allow users to create refs without passing in DataConnect */",
    `  (${varsParam ?? ""}): ${refType};`,
    "  /* Allow users to pass in custom DataConnect instances */",
    `  (${["dc: DataConnect", varsParam].filter(Boolean).join(", ")}): ${refType};`,
    "  operationName: string;",
    "}",
    `export const ${op.functionName}Ref: ${Ref};`,
    "",
  ];
  if (op.kind === "query") {
    const result = `QueryPromise<${op.dataType}, ${vars}>`;
    const options = "options?: ExecuteQueryOptions";
    out.push(
      `export function ${op.functionName}(${[varsParam, options].filter(Boolean).join(", ")}): ${result};`,
      `export function ${op.functionName}(${["dc: DataConnect", varsParam, options].filter(Boolean).join(", ")}): ${result};`,
    );
  } else {
    const result = `MutationPromise<${op.dataType}, ${vars}>`;
    out.push(
      `export function ${op.functionName}(${varsParam ?? ""}): ${result};`,
      `export function ${op.functionName}(${["dc: DataConnect", varsParam].filter(Boolean).join(", ")}): ${result};`,
    );
  }
  out.push("");
  return out;
}
