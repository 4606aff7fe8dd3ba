import {
  buildASTSchema,
  type DocumentNode,
  type GraphQLSchema,
  isScalarType,
  Kind,
  parse,
  Source,
} from "graphql";
import type { SchemaModel } from "../schema/model.ts";
import { PRELUDE } from "../schema/prelude.ts";
import { implicitSdl } from "./implicitSdl.ts";
import { installScalarCoercion } from "./scalars.ts";

/** Root types every service has; the generated files extend them with per-table fields. */
export const ROOT_SDL = `
type Query {
  """The service's schema, for tools."""
  _service: _Service!
  """Runs a read-only SQL statement and returns its rows as JSON objects."""
  _select(sql: SQL_Query!, params: SQL_Params): [Any]
  """Runs a read-only SQL statement and returns its first row, or null."""
  _selectFirst(sql: SQL_Query!, params: SQL_Params): Any
}
type Mutation {
  """Runs a data-changing SQL statement and returns the number of rows it affected."""
  _execute(sql: SQL_Mutation!, params: SQL_Params): Int
  """Runs a data-changing SQL statement and returns the rows of its RETURNING clause."""
  _executeReturning(sql: SQL_Mutation!, params: SQL_Params): [Any]
  """Runs a data-changing SQL statement and returns the first row of its RETURNING clause, or null."""
  _executeReturningFirst(sql: SQL_Mutation!, params: SQL_Params): Any
  """Reads inside a mutation, at this point of its execution."""
  query: Query
}
`;

/** The executable GraphQL schema of a service: prelude + user schema + generated API. */
export function buildApiSchema(model: SchemaModel, userDocuments: readonly DocumentNode[]): GraphQLSchema {
  const generated = implicitSdl(model);
  const documents = [
    parse(new Source(PRELUDE, "prelude.gql")),
    parse(new Source(ROOT_SDL, "root.gql")),
    ...userDocuments,
    ...Object.entries(generated)
      .filter(([, text]) => text.trim() !== "")
      .map(([name, text]) => parse(new Source(text, `main/${name}`))),
  ];
  const schema = buildASTSchema({
    kind: Kind.DOCUMENT,
    definitions: documents.flatMap((d) => d.definitions),
  });
  installScalarCoercion(Object.values(schema.getTypeMap()).filter(isScalarType));
  return schema;
}
