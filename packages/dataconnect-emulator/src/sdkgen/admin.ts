// The Admin SDK module (`adminNodeSdk`): one function per operation over `firebase-admin/data-connect`,
// running it as the admin (`:impersonateQuery` / `:impersonateMutation`), as the official generator writes
// it (spec §5.6).
import { type ConnectorSdk, enumObjects, finish, typeDeclarations, varsParameter } from "./javascript.ts";
import { SCALAR_ALIASES, type SdkOperation } from "./types.ts";

/** `esm/index.esm.js` of the admin SDK. */
export function adminEsm(sdk: ConnectorSdk): string {
  const out = ["import { validateAdminArgs } from 'firebase-admin/data-connect';", ""];
  out.push(...enumObjects(sdk, "export const "));
  out.push(`export const connectorConfig = ${adminConnectorConfig(sdk)};`, "");
  for (const op of sdk.types.operations) out.push(`export ${adminFunction(op)}`, "");
  return finish(out);
}

/** `index.cjs.js` of the admin SDK. */
export function adminCjs(sdk: ConnectorSdk): string {
  const out = ["const { validateAdminArgs } = require('firebase-admin/data-connect');", ""];
  for (const line of enumObjects(sdk, "const ")) {
    out.push(line);
    const name = /^const (\w+) =/.exec(line)?.[1];
    if (name) out.push(`exports.${name} = ${name};`);
  }
  out.push(
    `const connectorConfig = ${adminConnectorConfig(sdk)};`,
    "exports.connectorConfig = connectorConfig;",
    "",
  );
  for (const op of sdk.types.operations) {
    out.push(adminFunction(op), `exports.${op.functionName} = ${op.functionName};`, "");
  }
  return finish(out);
}

/** `index.d.ts` of the admin SDK. */
export function adminTypes(sdk: ConnectorSdk): string {
  const imports = ["ConnectorConfig"];
  if (sdk.types.operations.length > 0)
    imports.push("DataConnect", "OperationOptions", "ExecuteOperationResponse");
  const out = [`import { ${imports.join(", ")} } from 'firebase-admin/data-connect';`, ""];
  out.push("export const connectorConfig: ConnectorConfig;", "");
  out.push(...SCALAR_ALIASES.map((alias) => `export type ${alias} = string;`), "");
  out.push(...typeDeclarations(sdk.types));
  for (const op of sdk.types.operations) {
    const kind = op.kind === "query" ? "Query" : "Mutation";
    const vars = varsParameter(op);
    const result = `Promise<ExecuteOperationResponse<${op.dataType}>>`;
    out.push(
      `/** Generated Node Admin SDK operation action function for the '${op.name}' ${kind}. Allow users to execute without passing in DataConnect. */`,
      `export function ${op.functionName}(${["dc: DataConnect", vars, "options?: OperationOptions"].filter(Boolean).join(", ")}): ${result};`,
      `/** Generated Node Admin SDK operation action function for the '${op.name}' ${kind}. Allow users to pass in custom DataConnect instances. */`,
      `export function ${op.functionName}(${[vars, "options?: OperationOptions"].filter(Boolean).join(", ")}): ${result};`,
      "",
    );
  }
  return finish(out);
}

function adminConnectorConfig(sdk: ConnectorSdk): string {
  return `{\n  connector: '${sdk.connectorId}',\n  serviceId: '${sdk.serviceId}',\n  location: '${sdk.location}',\n}`;
}

function adminFunction(op: SdkOperation): string {
  const execute = op.kind === "query" ? "executeQuery" : "executeMutation";
  if (!op.variablesType) {
    return [
      `function ${op.functionName}(dcOrOptions, options) {`,
      "  const { dc: dcInstance, options: inputOpts } = validateAdminArgs(connectorConfig, dcOrOptions, options, undefined);",
      "  dcInstance.useGen(true);",
      `  return dcInstance.${execute}('${op.name}', undefined, inputOpts);`,
      "}",
    ].join("\n");
  }
  return [
    `function ${op.functionName}(dcOrVarsOrOptions, varsOrOptions, options) {`,
    `  const { dc: dcInstance, vars: inputVars, options: inputOpts } = validateAdminArgs(connectorConfig, dcOrVarsOrOptions, varsOrOptions, options, true, ${op.variablesRequired});`,
    "  dcInstance.useGen(true);",
    `  return dcInstance.${execute}('${op.name}', inputVars, inputOpts);`,
    "}",
  ].join("\n");
}
