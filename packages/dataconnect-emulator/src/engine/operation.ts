// Operation documents (connector files or ad-hoc `executeGraphql` text) → validated, prepared operations.
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getDirectiveValues,
  Kind,
  type OperationDefinitionNode,
  specifiedRules,
  validate,
  visit,
} from "graphql";
import { graphqlErrorToCompileErrors } from "../schema/errors.ts";
import type { CompileError } from "../schema/source.ts";

/** What `@auth` on an operation says. Absent = NO_ACCESS for end users. */
export interface AuthPolicy {
  level?: "PUBLIC" | "USER_ANON" | "USER" | "USER_EMAIL_VERIFIED" | "NO_ACCESS";
  expr?: string;
  insecureReason?: string;
}

/** A validated operation, ready to execute with variables. Prepared once, executed many times. */
export interface PreparedOperation {
  name: string | undefined;
  kind: "query" | "mutation";
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  auth: AuthPolicy | undefined;
  transaction: boolean;
  /** File the operation was read from (connector operations), for messages. */
  file?: string;
}

/** Validates `document` against `schema` and our extra rules; returns its operations or the errors. */
export function prepareDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
): { ok: true; operations: PreparedOperation[] } | { ok: false; errors: CompileError[] } {
  const errors = validate(schema, document, specifiedRules).flatMap(graphqlErrorToCompileErrors);
  errors.push(...nativeSqlLiteralErrors(document));
  if (errors.length > 0) return { ok: false, errors };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const operations: PreparedOperation[] = [];
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (def.operation === "subscription") {
      errors.push(
        ...graphqlErrorToCompileErrors(
          new Error("subscriptions are not supported; use a query with @refresh"),
        ),
      );
      continue;
    }
    const authDirective = schema.getDirective("auth")!;
    const auth = getDirectiveValues(authDirective, def) as AuthPolicy | undefined;
    operations.push({
      name: def.name?.value,
      kind: def.operation,
      operation: def,
      fragments,
      auth,
      transaction: def.directives?.some((d) => d.name.value === "transaction") ?? false,
      ...(def.loc ? { file: def.loc.source.name } : {}),
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, operations };
}

/** Native SQL must be written in the operation: `sql:` is never a variable (spec §3.7). */
function nativeSqlLiteralErrors(document: DocumentNode): CompileError[] {
  const errors: CompileError[] = [];
  visit(document, {
    Field(node) {
      if (!node.name.value.startsWith("_select") && !node.name.value.startsWith("_execute")) return;
      const sql = node.arguments?.find((a) => a.name.value === "sql");
      if (sql && sql.value.kind !== Kind.STRING) {
        const loc = sql.loc
          ? { file: sql.loc.source.name, ...lineColumn(sql.loc.source.body, sql.loc.start) }
          : {};
        errors.push({ message: `${node.name.value}(sql:) must be a string literal, not a variable`, ...loc });
      }
    },
  });
  return errors;
}

function lineColumn(body: string, offset: number): { line: number; column: number } {
  const before = body.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
