import { z } from "zod";
import { impersonationSchema } from "../auth/impersonation.ts";
import { RequestError } from "../errors.ts";

// `variables` may be omitted or null; it is always an object to the core.
const variables = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((value) => value ?? {});

const extensions = z
  .object({ impersonate: impersonationSchema.nullish() })
  .nullish()
  .transform((value) => value ?? {});

/** `:executeQuery` / `:executeMutation` (web SDK). `name` repeats the connector path; the URL is what counts. */
export const connectorBodySchema = z.object({
  name: z.string().optional(),
  operationName: z.string().min(1, "operationName must be a non-empty string"),
  variables,
});

/** `:impersonateQuery` / `:impersonateMutation` (firebase-admin). */
export const impersonateBodySchema = z.object({
  operationName: z.string().min(1, "operationName must be a non-empty string"),
  variables,
  extensions,
});

/** `:executeGraphql` / `:executeGraphqlRead` (firebase-admin, CLI, VS Code). */
export const graphqlBodySchema = z.object({
  query: z.string().min(1, "query must be a non-empty string"),
  operationName: z
    .string()
    .nullish()
    .transform((value) => value || undefined),
  variables,
  extensions,
});

/** `POST /emulator/configure` (firebase-tools). */
export const configureBodySchema = z.object({
  connectionString: z.string().min(1, "connectionString must be a non-empty string"),
  database: z.string().optional(),
  serviceId: z.string().optional(),
  maxOpenConnections: z.number().int().optional(),
});

/** A validated `POST /emulator/configure` body. */
export type ConfigureRequest = z.infer<typeof configureBodySchema>;

/** Validates a parsed body, or throws INVALID_ARGUMENT naming every field that is wrong and how. */
export function parseRequestBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "body";
    return `${where}: ${issue.message}`;
  });
  throw new RequestError("INVALID_ARGUMENT", `invalid request body: ${problems.join("; ")}`);
}
