// Operation documents (connector files or ad-hoc `executeGraphql` text) → validated, prepared operations.
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  getDirectiveValues,
  Kind,
  type OperationDefinitionNode,
  specifiedRules,
  type ValidationRule,
  VariablesInAllowedPositionRule,
  validate,
  visit,
} from "graphql";
import { graphqlErrorToCompileErrors } from "../schema/errors.ts";
import type { CompileError } from "../schema/source.ts";
import { type RefreshPolicy, readRefreshPolicy } from "./refresh.ts";

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
  /** `@refresh` on a query: what refreshes its subscriptions besides the implicit entity rule. */
  refresh: RefreshPolicy;
  /** Whether `__schema` / `__type` are answered: ad-hoc admin documents only, not connector operations. */
  introspection?: boolean;
  /** File the operation was read from (connector operations), for messages. */
  file?: string;
}

/**
 * Native SQL `params` is a JSON list whose elements may be variables of any type (`[$id, {_expr: …}]`);
 * GraphQL's positional check would hold each one to the `SQL_Params` scalar, so it is relaxed there only.
 */
const VariablesInAllowedPositionOutsideSqlParams: ValidationRule = (context) =>
  VariablesInAllowedPositionRule(
    new Proxy(context, {
      get(target, property) {
        if (property === "reportError") {
          return (error: GraphQLError) => {
            if (!error.message.endsWith('expecting type "SQL_Params".')) target.reportError(error);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }),
  );

const RULES = specifiedRules.map((rule) =>
  rule === VariablesInAllowedPositionRule ? VariablesInAllowedPositionOutsideSqlParams : rule,
);

/** Validates `document` against `schema` and our extra rules; returns its operations or the errors. */
export function prepareDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
): { ok: true; operations: PreparedOperation[] } | { ok: false; errors: CompileError[] } {
  const errors = validate(schema, document, RULES).flatMap(graphqlErrorToCompileErrors);
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
    const refresh = readRefreshPolicy(schema, def);
    if (!refresh.ok) {
      errors.push(...refresh.errors);
      continue;
    }
    operations.push({
      name: def.name?.value,
      kind: def.operation,
      operation: def,
      fragments,
      auth,
      transaction: def.directives?.some((d) => d.name.value === "transaction") ?? false,
      refresh: refresh.policy,
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
