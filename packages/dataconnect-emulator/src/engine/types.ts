import type { GraphqlError } from "../errors.ts";
import type { RefreshWatch } from "./refresh.ts";

/** The end user as CEL sees it: `auth.uid` and every claim of the ID token under `auth.token`. */
export interface AuthContext {
  uid: string;
  token: Record<string, unknown>;
}

/**
 * Who is calling. `admin` (the Admin SDK's `Bearer owner` without impersonation) bypasses `@auth`;
 * `user` carries the end user (or `null` when signed out, or impersonated by an admin).
 */
export type Caller = { kind: "admin" } | { kind: "user"; auth: AuthContext | null };

/** One entry of `extensions.dataConnect`, for the web SDK's client cache. */
export interface DataConnectExtension {
  path: (string | number)[];
  entityId?: string;
  entityIds?: string[];
  maxAge?: string;
}

/** The body of a successful (HTTP 200) response; `errors` non-empty means a partial or failed execution. */
export interface GraphqlResponse {
  data: Record<string, unknown> | null;
  errors?: GraphqlError[];
  extensions?: { dataConnect: DataConnectExtension[] };
}

/** Runs a connector's named operation (`:executeQuery`, `:executeMutation`, `:impersonate*`). */
export interface ConnectorRequest {
  connector: string;
  operationName: string;
  variables: Record<string, unknown>;
  /** The endpoint's kind: a query endpoint refuses a mutation and vice versa; absent = either (the stream). */
  kind?: "query" | "mutation";
  caller: Caller;
}

/** Runs an ad-hoc GraphQL document (`:executeGraphql`, `:executeGraphqlRead`). */
export interface GraphqlRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** `executeGraphqlRead`: mutations are refused with PERMISSION_DENIED. */
  readOnly: boolean;
  caller: Caller;
}

/**
 * A loaded Data Connect service: its compiled schema and connectors over one database. Request-level
 * failures are thrown as `RequestError`; execution errors come back in `GraphqlResponse.errors`.
 */
export interface Service {
  readonly serviceId: string;
  executeConnector(request: ConnectorRequest): Promise<GraphqlResponse>;
  executeGraphql(request: GraphqlRequest): Promise<GraphqlResponse>;
  /**
   * Runs a connector query for a subscription: its result, and what keeps this subscriber's result fresh
   * (null when the connector has realtime off, i.e. no `clientCache`).
   */
  subscribeQuery(request: Omit<ConnectorRequest, "kind">): Promise<SubscriptionRun>;
}

/** One run of a subscribed query. */
export interface SubscriptionRun {
  response: GraphqlResponse;
  watch: RefreshWatch | null;
}
