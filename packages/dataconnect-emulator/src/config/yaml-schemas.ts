import { z } from "zod";

const postgresql = z
  .object({
    database: z.string().min(1).optional(),
    schema: z.string().min(1).optional(),
    cloudSql: z.object({ instanceId: z.string() }).loose().optional(),
    schemaValidation: z.enum(["STRICT", "COMPATIBLE"]).optional(),
  })
  .loose();

const schemaEntry = z
  .object({
    id: z.string().optional(),
    source: z.string().min(1, "must name the schema directory"),
    datasource: z.object({ postgresql: postgresql.optional() }).loose().optional(),
  })
  .loose();

/** One schema of `dataconnect.yaml` (`schema:` or an entry of `schemas:`). */
export type SchemaYaml = z.infer<typeof schemaEntry>;

/** `dataconnect.yaml` (spec §1.1); unknown keys are kept and ignored, as firebase-tools does. */
export const dataconnectYamlSchema = z
  .object({
    specVersion: z.string().optional(),
    serviceId: z.string().min(1, "must be a non-empty string"),
    location: z.string().optional(),
    schema: schemaEntry.optional(),
    schemas: z.array(schemaEntry).min(1).optional(),
    connectorDirs: z.array(z.string().min(1)).default([]),
  })
  .loose()
  .refine((yaml) => (yaml.schema === undefined) !== (yaml.schemas === undefined), {
    message: "set exactly one of `schema` or `schemas`",
  });

/** A validated `dataconnect.yaml`. */
export type DataconnectYaml = z.infer<typeof dataconnectYamlSchema>;

const javascriptSdk = z
  .object({
    outputDir: z.string().min(1, "must name the output directory"),
    package: z.string().min(1, "must name the npm package").optional(),
    packageJsonDir: z.string().min(1).optional(),
    react: z.boolean().optional(),
    angular: z.boolean().optional(),
    // `clientCache: {}` turns the client cache on; its settings are for the SDK, not the generator.
    clientCache: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .loose();

/** One `generate.javascriptSdk` entry of `connector.yaml`. */
export type JavascriptSdkYaml = z.infer<typeof javascriptSdk>;

const adminNodeSdk = z
  .object({
    outputDir: z.string().min(1, "must name the output directory"),
    package: z.string().min(1, "must name the npm package").optional(),
    packageJsonDir: z.string().min(1).optional(),
  })
  .loose();

/** One `generate.adminNodeSdk` entry of `connector.yaml`. */
export type AdminNodeSdkYaml = z.infer<typeof adminNodeSdk>;

/** `generate:` of `connector.yaml`: each SDK is one object or a list; kotlin/swift/dart are kept and ignored. */
const generate = z
  .object({
    javascriptSdk: z.union([javascriptSdk, z.array(javascriptSdk)]).optional(),
    adminNodeSdk: z.union([adminNodeSdk, z.array(adminNodeSdk)]).optional(),
  })
  .loose();

/** `connector.yaml`; `authMode` is legacy and ignored. */
export const connectorYamlSchema = z
  .object({
    connectorId: z.string().min(1, "must be a non-empty string"),
    generate: generate.nullable().optional(),
  })
  .loose();

/** A validated `connector.yaml`. */
export type ConnectorYaml = z.infer<typeof connectorYamlSchema>;

/** The main schema: `schema`, or the `schemas` entry with id `main` or no id (firebase-tools' rule). */
export function mainSchemaOf(yaml: DataconnectYaml): SchemaYaml | undefined {
  return yaml.schema ?? yaml.schemas?.find((entry) => entry.id === "main" || !entry.id);
}
