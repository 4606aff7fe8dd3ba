import { GraphQLError } from "graphql";
import type { CompileError } from "./source.ts";

/** Turns a graphql-js error (syntax, validation, ours) into compile errors with file, line and column. */
export function graphqlErrorToCompileErrors(error: unknown): CompileError[] {
  if (!(error instanceof GraphQLError)) {
    return [{ message: error instanceof Error ? error.message : String(error) }];
  }
  const file = error.source?.name ?? error.nodes?.[0]?.loc?.source.name;
  const location = error.locations?.[0];
  return [
    {
      message: error.message.replace(/^Syntax Error: /, "syntax error: "),
      ...(file && file !== "GraphQL request" ? { file } : {}),
      ...(location ? { line: location.line, column: location.column } : {}),
    },
  ];
}
