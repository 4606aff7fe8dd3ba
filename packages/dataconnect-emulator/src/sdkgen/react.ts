// React bindings (`react: true`): one TanStack Query hook per operation over
// `@tanstack-query-firebase/react/data-connect`, named and typed as the official generator does (spec §5.5).
import { type ConnectorSdk, finish, variablesArgument, varsParameter } from "./javascript.ts";
import type { SdkOperation } from "./types.ts";

/** `useGetPost` for `GetPost`. */
export function hookName(op: SdkOperation): string {
  return `use${op.name.charAt(0).toUpperCase()}${op.name.slice(1)}`;
}

/** `react/esm/index.esm.js`. */
export function reactEsm(sdk: ConnectorSdk): string {
  return finish([
    ...reactImports(
      sdk,
      (names, from) => `import { ${names.join(", ")} } from '${from}';`,
      "../../esm/index.esm.js",
    ),
    "",
    ...sdk.types.operations.flatMap((op) => [`export ${hookFunction(op)}`, ""]),
  ]);
}

/** `react/index.cjs.js`. */
export function reactCjs(sdk: ConnectorSdk): string {
  return finish([
    ...reactImports(
      sdk,
      (names, from) => `const { ${names.join(", ")} } = require('${from}');`,
      "../index.cjs.js",
    ),
    "",
    ...sdk.types.operations.flatMap((op) => [
      hookFunction(op),
      `exports.${hookName(op)} = ${hookName(op)};`,
      "",
    ]),
  ]);
}

/** `react/index.d.ts`. */
export function reactTypes(sdk: ConnectorSdk): string {
  const ops = sdk.types.operations;
  const hasQueries = ops.some((op) => op.kind === "query");
  const hasMutations = ops.some((op) => op.kind === "mutation");
  const types = ops.flatMap((op) => [op.dataType, ...(op.variablesType ? [op.variablesType] : [])]);
  const binding = [
    ...(hasQueries ? ["UseDataConnectQueryResult", "useDataConnectQueryOptions"] : []),
    ...(hasMutations ? ["UseDataConnectMutationResult", "useDataConnectMutationOptions"] : []),
  ];
  const out: string[] = [];
  if (types.length > 0) out.push(`import { ${types.join(", ")} } from '../';`);
  if (binding.length > 0) {
    out.push(`import { ${binding.join(", ")} } from '@tanstack-query-firebase/react/data-connect';`);
  }
  if (ops.length > 0) out.push("import { DataConnect } from 'firebase/data-connect';");
  if (hasMutations) out.push("import { FirebaseError } from 'firebase/app';");
  out.push("");
  for (const op of ops) {
    const varsParam = varsParameter(op);
    let options: string;
    let result: string;
    if (op.kind === "query") {
      options = `options?: useDataConnectQueryOptions<${op.dataType}>`;
      result = `UseDataConnectQueryResult<${op.dataType}, ${variablesArgument(op)}>`;
    } else {
      // As the official SDK: the mutation's variables go to `mutate()`; optional ones may be left out.
      const mutateVars = !op.variablesType
        ? "void"
        : op.variablesRequired
          ? op.variablesType
          : `${op.variablesType} | void`;
      options = `options?: useDataConnectMutationOptions<${op.dataType}, FirebaseError, ${mutateVars}>`;
      result = `UseDataConnectMutationResult<${op.dataType}, ${variablesArgument(op)}>`;
    }
    const withoutDc = op.kind === "query" ? [varsParam, options] : [options];
    out.push(
      `export function ${hookName(op)}(${withoutDc.filter(Boolean).join(", ")}): ${result};`,
      `export function ${hookName(op)}(${["dc: DataConnect", ...withoutDc].filter(Boolean).join(", ")}): ${result};`,
      "",
    );
  }
  return finish(out);
}

function reactImports(
  sdk: ConnectorSdk,
  statement: (names: string[], from: string) => string,
  core: string,
): string[] {
  const ops = sdk.types.operations;
  const hasQueries = ops.some((op) => op.kind === "query");
  const hasMutations = ops.some((op) => op.kind === "mutation");
  const binding = [
    ...(hasQueries ? ["useDataConnectQuery"] : []),
    ...(hasMutations ? ["useDataConnectMutation"] : []),
    ...(hasQueries ? ["validateReactArgs"] : []),
  ];
  const out = [statement([...ops.map((op) => `${op.functionName}Ref`), "connectorConfig"], core)];
  if (ops.length > 0) {
    out.push(
      statement([...(hasMutations ? ["validateArgs"] : []), "CallerSdkTypeEnum"], "firebase/data-connect"),
    );
    out.push(statement(binding, "@tanstack-query-firebase/react/data-connect"));
  }
  return out;
}

function hookFunction(op: SdkOperation): string {
  const name = hookName(op);
  const ref = `${op.functionName}Ref`;
  if (op.kind === "query") {
    if (!op.variablesType) {
      return [
        `function ${name}(dcOrOptions, options) {`,
        "  const { dc: dcInstance, options: inputOpts } = validateReactArgs(connectorConfig, dcOrOptions, options);",
        `  const ref = ${ref}(dcInstance);`,
        "  return useDataConnectQuery(ref, inputOpts, CallerSdkTypeEnum.GeneratedReact);",
        "}",
      ].join("\n");
    }
    return [
      `function ${name}(dcOrVars, varsOrOptions, options) {`,
      `  const { dc: dcInstance, vars: inputVars, options: inputOpts } = validateReactArgs(connectorConfig, dcOrVars, varsOrOptions, options, true, ${op.variablesRequired});`,
      `  const ref = ${ref}(dcInstance, inputVars);`,
      "  return useDataConnectQuery(ref, inputOpts, CallerSdkTypeEnum.GeneratedReact);",
      "}",
    ].join("\n");
  }
  // The official hooks read the options through the core `validateArgs`, from its `vars` slot.
  return [
    `function ${name}(dcOrOptions, options) {`,
    "  const { dc: dcInstance, vars: inputOpts } = validateArgs(connectorConfig, dcOrOptions, options);",
    op.variablesType ? "  function refFactory(vars) {" : "  function refFactory() {",
    op.variablesType ? `    return ${ref}(dcInstance, vars);` : `    return ${ref}(dcInstance);`,
    "  }",
    "  return useDataConnectMutation(refFactory, inputOpts, CallerSdkTypeEnum.GeneratedReact);",
    "}",
  ].join("\n");
}
