// Operation variables: GraphQL coercion, then Data Connect's rule that `@fdc_forbiddenInVariables`
// input fields (`*_expr`, relation keys, update operators) are written in the operation only.
import {
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isListType,
  type OperationDefinitionNode,
  typeFromAST,
} from "graphql";
import type { GraphqlError } from "../errors.ts";

/** Coerced variables, or the errors that stop execution. */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Record<string, unknown>,
): { ok: true; variables: Record<string, unknown> } | { ok: false; errors: GraphqlError[] } {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, { maxErrors: 20 });
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((e) => ({ message: e.message, extensions: { code: "INVALID_ARGUMENT" } })),
    };
  }
  const errors: GraphqlError[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType | undefined;
    const name = def.variable.name.value;
    if (type && name in result.coerced) findForbidden(type, result.coerced[name], `$${name}`, errors);
  }
  return errors.length ? { ok: false, errors } : { ok: true, variables: result.coerced };
}

function findForbidden(type: GraphQLInputType, value: unknown, path: string, errors: GraphqlError[]): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) findForbidden(nullable.ofType, v, `${path}[${i}]`, errors);
    }
    return;
  }
  const named = getNamedType(nullable);
  if (!isInputObjectType(named) || typeof value !== "object") return;
  const fields = named.getFields();
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = fields[key];
    if (!field) continue;
    if (field.astNode?.directives?.some((d) => d.name.value === "fdc_forbiddenInVariables")) {
      errors.push({
        message: `${path}.${key}: ${named.name}.${key} cannot be set through a variable; write it in the operation itself`,
        extensions: { code: "INVALID_ARGUMENT" },
      });
      continue;
    }
    findForbidden(field.type, v, `${path}.${key}`, errors);
  }
}
