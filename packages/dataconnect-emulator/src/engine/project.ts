// A Data Connect service compiled from its sources: the seam between the emulator's edges
// (config loading, protocol, watch) and the core (schema compiler, planner, executor).
import { type DocumentNode, type GraphQLSchema, Kind, parse, Source } from "graphql";
import { buildApiSchema } from "../api/buildApiSchema.ts";
import { implicitSdl } from "../api/implicitSdl.ts";
import type { Database } from "../db/database.ts";
import { RequestError } from "../errors.ts";
import { graphqlNestsDeeperThan, MAX_GRAPHQL_DEPTH } from "../limits/nesting.ts";
import { checkVariables, DEFAULT_VARIABLE_LIMITS, type VariableLimits } from "../limits/variables.ts";
import { readCatalog } from "../migrate/catalog.ts";
import { planMigration } from "../migrate/planMigration.ts";
import { ModelCatalog } from "../planner/catalog.ts";
import { compileSchema } from "../schema/compileSchema.ts";
import { graphqlErrorToCompileErrors } from "../schema/errors.ts";
import { quoteIdent, type SchemaModel } from "../schema/model.ts";
import { PRELUDE } from "../schema/prelude.ts";
import type { CompileError, ProjectSources, SourceFile } from "../schema/source.ts";
import { LruCache } from "./document-cache.ts";
import { EventDelivery } from "./event-delivery.ts";
import { type MutationEventSink, mutationExecutedEvent } from "./events.ts";
import { type ExecutionEnv, type ExecutionTrace, executeOperation, newTrace } from "./execute.ts";
import { type PreparedOperation, prepareDocument } from "./operation.ts";
import { type CommittedMutation, refreshWatch, sameForEveryone } from "./refresh.ts";
import type {
  Caller,
  ConnectorRequest,
  GraphqlRequest,
  GraphqlResponse,
  Service,
  SubscriptionRun,
} from "./types.ts";

/** A service whose schema and connectors compiled without errors. */
export interface CompiledProject {
  readonly serviceId: string;
  readonly model: SchemaModel;
  readonly schema: GraphQLSchema;
  readonly catalog: ModelCatalog;
  /** connector id → operation name → operation. */
  readonly connectors: ReadonlyMap<string, ReadonlyMap<string, PreparedOperation>>;
  /** Connectors with realtime on (`clientCache` in `connector.yaml`). */
  readonly realtimeConnectors: ReadonlySet<string>;
  readonly sqlFiles: readonly SourceFile[];
}

/** Compiles schema and connectors; every error carries file:line:col. */
export function compileProject(
  sources: ProjectSources,
): { ok: true; project: CompiledProject } | { ok: false; errors: CompileError[] } {
  const schemaResult = compileSchema(sources.schemaFiles, sources.pgSchema);
  if (!schemaResult.ok) return schemaResult;
  let schema: GraphQLSchema;
  try {
    schema = buildApiSchema(schemaResult.model, schemaResult.documents);
  } catch (error) {
    return { ok: false, errors: graphqlErrorToCompileErrors(error) };
  }
  const errors: CompileError[] = [];
  const connectors = new Map<string, Map<string, PreparedOperation>>();
  for (const connector of sources.connectors) {
    const operations = new Map<string, PreparedOperation>();
    const documents: DocumentNode[] = [];
    for (const file of connector.files) {
      try {
        documents.push(parse(new Source(file.text, file.path)));
      } catch (error) {
        errors.push(...graphqlErrorToCompileErrors(error));
      }
    }
    const merged: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: documents.flatMap((d) => d.definitions),
    };
    const prepared = prepareDocument(schema, merged);
    if (!prepared.ok) {
      errors.push(...prepared.errors);
      continue;
    }
    for (const op of prepared.operations) {
      if (!op.name) {
        errors.push({
          message: `connector ${connector.id}: every operation needs a name`,
          ...(op.file ? { file: op.file } : {}),
        });
        continue;
      }
      if (operations.has(op.name)) {
        errors.push({
          message: `connector ${connector.id}: operation ${op.name} is declared twice`,
          ...(op.file ? { file: op.file } : {}),
        });
        continue;
      }
      operations.set(op.name, op);
    }
    connectors.set(connector.id, operations);
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    project: {
      serviceId: sources.serviceId,
      model: schemaResult.model,
      schema,
      catalog: new ModelCatalog(schemaResult.model),
      connectors,
      realtimeConnectors: new Set(sources.connectors.filter((c) => c.clientCache).map((c) => c.id)),
      sqlFiles: [...sources.sqlFiles].sort((a, b) => a.path.localeCompare(b.path)),
    },
  };
}

/** Brings the database's schema up to the project's, then applies `sql/*.sql` in file-name order. */
export async function migrate(db: Database, project: CompiledProject): Promise<void> {
  const { pgSchema } = project.model;
  await db.session(async (session) => {
    // `sql/*.sql` may change session settings: reset them before the session serves requests.
    session.markDirty();
    await session.transaction(
      async (tx) => {
        await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(pgSchema)}`);
        const catalog = await readCatalog(tx, pgSchema);
        for (const statement of planMigration(project.model, catalog)) {
          try {
            await tx.exec(statement);
          } catch (error) {
            throw new Error(
              `failed to migrate schema: ${error instanceof Error ? error.message : error}\n  while running: ${statement}`,
            );
          }
        }
        for (const file of project.sqlFiles) {
          try {
            await tx.exec(file.text);
          } catch (error) {
            throw new Error(
              `failed to apply ${file.path}: ${error instanceof Error ? error.message : error}`,
            );
          }
        }
      },
      // Unqualified names in @view(sql) and sql/*.sql resolve in the service's schema; building indexes
      // on a large table may take longer than a request may.
      { searchPath: [pgSchema, "public"], statementTimeoutMs: 0 },
    );
  });
}

/** The `.dataconnect/schema/` files editors read: the prelude and the generated API. */
export function schemaExtensionFiles(project: CompiledProject): SourceFile[] {
  const generated = implicitSdl(project.model);
  return [
    { path: "prelude.gql", text: PRELUDE.trimStart() },
    ...Object.entries(generated).map(([name, text]) => ({ path: `main/${name}`, text })),
  ];
}

/** Options of a service: where it pretends to live and who hears about its mutations. */
export interface ServiceOptions {
  /** Project and location named in mutation events (the emulator ignores them on requests). */
  projectId?: string;
  location?: string;
  /** Receivers of a CloudEvent per executed connector mutation (delivered by a delivery of this service's own). */
  mutationEventSinks?: readonly MutationEventSink[];
  /** Told after every mutation whose effects committed (any endpoint): what realtime refreshes hang on. */
  onMutationCommitted?: (mutation: CommittedMutation) => void;
  /** Delivery shared by every service of an emulator, so reloads do not drop queued events (wins over the sinks). */
  mutationEvents?: EventDelivery;
  /** Bounds on every operation's variables (default 1 MiB, 32 levels). */
  variableLimits?: VariableLimits;
  log?: (message: string) => void;
}

/** Bytes of ad-hoc documents (as text, weighed ×8 for their syntax trees) kept prepared. */
const AD_HOC_CACHE_BYTES = 64 * 1024 * 1024;
/** Tokens an ad-hoc document may have (graphql-js stops parsing there). */
const MAX_DOCUMENT_TOKENS = 100_000;

/** A service over `db` that executes the project's connectors and ad-hoc GraphQL. */
export function createService(project: CompiledProject, db: Database, options: ServiceOptions = {}): Service {
  const log = options.log ?? ((message: string) => console.error(message));
  const events = options.mutationEvents ?? new EventDelivery(options.mutationEventSinks ?? [], { log });
  const variableLimits = options.variableLimits ?? DEFAULT_VARIABLE_LIMITS;
  const env: ExecutionEnv = {
    schema: project.schema,
    model: project.model,
    catalog: project.catalog,
    db,
    sdl: project.model.sdl,
  };
  const adHoc = new LruCache<string, PreparedOperation[] | { errors: CompileError[] }>(AD_HOC_CACHE_BYTES);

  /**
   * Executes and, for a mutation that committed something, raises the commit signal once: after the
   * operation's session is handed back (every COMMIT confirmed), also when a later step failed.
   */
  async function run(operation: PreparedOperation, variables: Record<string, unknown>, caller: Caller) {
    const trace = newTrace();
    try {
      return await executeOperation(env, operation, variables, caller, trace);
    } finally {
      if (operation.kind === "mutation" && trace.committed) committed(operation, trace, caller);
    }
  }

  function committed(operation: PreparedOperation, trace: ExecutionTrace, caller: Caller): void {
    if (!options.onMutationCommitted) return;
    try {
      options.onMutationCommitted({
        operationName: operation.name,
        variables: trace.variables ?? {},
        auth: caller.kind === "user" ? caller.auth : null,
        entities: trace.writes,
      });
    } catch (error) {
      log(`realtime refresh after ${operation.name ?? "a mutation"} failed: ${(error as Error).message}`);
    }
  }

  function connectorOperation(request: Pick<ConnectorRequest, "connector" | "operationName" | "kind">) {
    const operations = project.connectors.get(request.connector);
    if (!operations)
      throw new RequestError(
        "NOT_FOUND",
        `connector ${request.connector} not found in service ${project.serviceId}`,
      );
    const operation = operations.get(request.operationName);
    if (!operation)
      throw new RequestError(
        "NOT_FOUND",
        `operation ${request.operationName} not found in connector ${request.connector}`,
      );
    if (request.kind && operation.kind !== request.kind) {
      throw new RequestError(
        "INVALID_ARGUMENT",
        `${request.operationName} is a ${operation.kind}; call it with execute${operation.kind === "query" ? "Query" : "Mutation"}`,
      );
    }
    return operation;
  }

  return {
    serviceId: project.serviceId,

    async executeConnector(request: ConnectorRequest): Promise<GraphqlResponse> {
      checkVariables(request.variables, variableLimits);
      const operation = connectorOperation(request);
      const response = await run(operation, request.variables, request.caller);
      // Executed (authorized, variables valid): production emits the event, errors included.
      if (
        operation.kind === "mutation" &&
        events.hasSinks &&
        !(response.data === null && response.errors?.length)
      ) {
        const event = mutationExecutedEvent({
          project: options.projectId ?? "demo-project",
          location: options.location ?? "us-central1",
          service: project.serviceId,
          connector: request.connector,
          operation: request.operationName,
          caller: request.caller,
          variables: request.variables,
          data: response.data,
          errors: response.errors ?? [],
        });
        events.publish(event);
      }
      return response;
    },

    async executeGraphql(request: GraphqlRequest): Promise<GraphqlResponse> {
      checkVariables(request.variables, variableLimits);
      let prepared = adHoc.get(request.query);
      if (!prepared) {
        if (graphqlNestsDeeperThan(request.query, MAX_GRAPHQL_DEPTH)) {
          throw new RequestError(
            "INVALID_ARGUMENT",
            `the document nests deeper than ${MAX_GRAPHQL_DEPTH} levels`,
          );
        }
        prepared = prepareAdHoc(project.schema, request.query);
        adHoc.set(request.query, prepared, request.query.length * 8);
      }
      if (!Array.isArray(prepared)) {
        return {
          data: null,
          errors: prepared.errors.map((e) => ({
            message: e.message,
            ...(e.line ? { locations: [{ line: e.line, column: e.column ?? 1 }] } : {}),
            extensions: { code: "INVALID_ARGUMENT" as const },
          })),
        };
      }
      const operation = pickOperation(prepared, request.operationName);
      if (request.readOnly && operation.kind === "mutation") {
        throw new RequestError("PERMISSION_DENIED", "executeGraphqlRead cannot run a mutation");
      }
      const response = await run(operation, request.variables, request.caller);
      // Production always sends `errors`; VS Code's introspection reads `errors.length` without a check.
      return response.errors ? response : { ...response, errors: [] };
    },

    async subscribeQuery(request): Promise<SubscriptionRun> {
      checkVariables(request.variables, variableLimits);
      const operation = connectorOperation({ ...request, kind: "query" });
      const trace = newTrace();
      const response = await executeOperation(env, operation, request.variables, request.caller, trace);
      if (!project.realtimeConnectors.has(request.connector) || !trace.variables)
        return { response, watch: null };
      const auth = request.caller.kind === "user" ? request.caller.auth : null;
      return {
        response,
        watch: refreshWatch(
          operation.refresh,
          { variables: trace.variables, auth },
          trace.lookups,
          sameForEveryone(operation),
        ),
      };
    },
  };
}

function prepareAdHoc(
  schema: GraphQLSchema,
  query: string,
): PreparedOperation[] | { errors: CompileError[] } {
  let document: DocumentNode;
  try {
    document = parse(new Source(query, "GraphQL request"), { maxTokens: MAX_DOCUMENT_TOKENS });
  } catch (error) {
    return { errors: graphqlErrorToCompileErrors(error) };
  }
  const prepared = prepareDocument(schema, document);
  if (!prepared.ok) return { errors: prepared.errors };
  return prepared.operations.map((operation) => ({ ...operation, introspection: true }));
}

function pickOperation(operations: PreparedOperation[], name: string | undefined): PreparedOperation {
  if (name) {
    const found = operations.find((o) => o.name === name);
    if (!found) throw new RequestError("INVALID_ARGUMENT", `operation ${name} not found in the document`);
    return found;
  }
  if (operations.length !== 1) {
    throw new RequestError(
      "INVALID_ARGUMENT",
      "operationName is required when the document has more than one operation",
    );
  }
  return operations[0]!;
}
