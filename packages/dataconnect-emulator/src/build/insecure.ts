// The insecure-@auth rule (spec §4.2): `@auth(level: PUBLIC)`, or a signed-in level whose operation never
// mentions `auth.uid`, lets callers reach data that is not theirs; deploy asks for acknowledgement unless
// the operation states `insecureReason`.
import { type DirectiveNode, type FragmentDefinitionNode, getLocation, Kind, print, visit } from "graphql";
import type { PreparedOperation } from "../engine/operation.ts";
import type { BuildError } from "./report.ts";

const SIGNED_IN_LEVELS = new Set(["USER_ANON", "USER", "USER_EMAIL_VERIFIED"]);

/** The insecure-operation warnings of one connector's operations, in source order. */
export function insecureOperationWarnings(
  connectorId: string,
  operations: Iterable<PreparedOperation>,
): BuildError[] {
  const warnings: BuildError[] = [];
  for (const operation of operations) {
    const level = operation.auth?.level;
    if (!level || operation.auth?.insecureReason) continue;
    let message: string;
    let workaround: string;
    if (level === "PUBLIC") {
      message = `Insecure: connector "${connectorId}" operation ${operation.name} uses @auth(level: PUBLIC): anyone, signed in or not, can run it`;
      workaround = "Require a signed-in user (level: USER) and filter by auth.uid, or state insecureReason";
    } else if (SIGNED_IN_LEVELS.has(level) && !mentionsAuthUid(operation)) {
      message = `Insecure: connector "${connectorId}" operation ${operation.name} uses @auth(level: ${level}) but never refers to auth.uid: any signed-in user can run it on anyone's data`;
      workaround =
        'Filter or key the operation by auth.uid (e.g. uid_expr: "auth.uid"), or state insecureReason';
    } else {
      continue;
    }
    const directive = operation.operation.directives?.find((d) => d.name.value === "auth");
    warnings.push({
      message,
      ...locationOf(directive),
      extensions: {
        ...(operation.file !== undefined && { file: operation.file }),
        warningLevel: "INTERACTIVE_ACK",
        workarounds: [
          {
            description: workaround,
            reason: "Without insecureReason, every deploy asks to acknowledge this operation",
            replaceWith: `@auth(level: ${level}, insecureReason: "<why this is safe>")`,
          },
        ],
      },
    });
  }
  return warnings;
}

/** Whether the operation, or a fragment it spreads, mentions `auth.uid` (in `_expr`, `@check`, …). */
function mentionsAuthUid(operation: PreparedOperation): boolean {
  const texts = [print(operation.operation)];
  const spread = new Set<string>();
  const visitFragments = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      FragmentSpread(spreadNode) {
        const name = spreadNode.name.value;
        const fragment: FragmentDefinitionNode | undefined = operation.fragments[name];
        if (spread.has(name) || !fragment) return;
        spread.add(name);
        texts.push(print(fragment));
        visitFragments(fragment);
      },
    });
  visitFragments(operation.operation);
  return texts.some((text) => /\bauth\.uid\b/.test(text));
}

function locationOf(directive: DirectiveNode | undefined): {
  locations?: { line: number; column: number }[];
} {
  if (!directive?.loc || directive.kind !== Kind.DIRECTIVE) return {};
  const { line, column } = getLocation(directive.loc.source, directive.loc.start);
  return { locations: [{ line, column }] };
}
