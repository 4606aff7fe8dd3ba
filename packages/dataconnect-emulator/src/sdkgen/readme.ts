// The README.md written next to a generated SDK: how to connect it and what each operation is called.
import type { ConnectorSdk } from "./javascript.ts";
import { hookName } from "./react.ts";

/** README of the web SDK (and, with `react`, of its hooks). */
export function webReadme(sdk: ConnectorSdk, packageName: string, react: boolean): string {
  const lines = [
    `# Generated TypeScript SDK for connector \`${sdk.connectorId}\``,
    "",
    `Generated from service \`${sdk.serviceId}\` by \`dataconnect-emulator sdk generate\`. Do not edit: it is`,
    "rewritten on every generation.",
    "",
    "```ts",
    "import { initializeApp } from 'firebase/app';",
    "import { connectDataConnectEmulator, getDataConnect } from 'firebase/data-connect';",
    `import { connectorConfig } from '${packageName}';`,
    "",
    "initializeApp({ projectId: 'demo-project' });",
    "connectDataConnectEmulator(getDataConnect(connectorConfig), '127.0.0.1', 9399);",
    "```",
    "",
    `| operation | kind | ref | action | variables |${react ? " hook |" : ""}`,
    `| --- | --- | --- | --- | --- |${react ? " --- |" : ""}`,
  ];
  for (const op of sdk.types.operations) {
    const variables = op.variablesType
      ? `\`${op.variablesType}\`${op.variablesRequired ? "" : " (optional)"}`
      : "—";
    lines.push(
      `| \`${op.name}\` | ${op.kind} | \`${op.functionName}Ref\` | \`${op.functionName}\` | ${variables} |${react ? ` \`${hookName(op)}\` |` : ""}`,
    );
  }
  lines.push("");
  return lines.join("\n");
}

/** README of the admin SDK. */
export function adminReadme(sdk: ConnectorSdk, packageName: string): string {
  const lines = [
    `# Generated Admin SDK for connector \`${sdk.connectorId}\``,
    "",
    `Generated from service \`${sdk.serviceId}\` by \`dataconnect-emulator sdk generate\`. Do not edit: it is`,
    "rewritten on every generation. Operations run with admin privileges unless `options.impersonate` is set.",
    "",
    "```ts",
    "import { initializeApp } from 'firebase-admin/app';",
    `import { ${sdk.types.operations[0]?.functionName ?? "connectorConfig"} } from '${packageName}';`,
    "",
    "initializeApp(); // DATA_CONNECT_EMULATOR_HOST=127.0.0.1:9399 points it at the emulator",
    "```",
    "",
    "| operation | kind | function | variables |",
    "| --- | --- | --- | --- |",
  ];
  for (const op of sdk.types.operations) {
    const variables = op.variablesType
      ? `\`${op.variablesType}\`${op.variablesRequired ? "" : " (optional)"}`
      : "—";
    lines.push(`| \`${op.name}\` | ${op.kind} | \`${op.functionName}\` | ${variables} |`);
  }
  lines.push("");
  return lines.join("\n");
}
