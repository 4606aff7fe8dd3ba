/** The connector verbs: an operation of a connector, run as an end user or impersonated by an admin. */
export type ConnectorMethod = "executeQuery" | "executeMutation" | "impersonateQuery" | "impersonateMutation";
/** The service verbs: an ad-hoc GraphQL document, run by an admin (or impersonated). */
export type ServiceMethod = "executeGraphql" | "executeGraphqlRead";
/** The emulator's own endpoints under `/emulator/`. */
export type ManagementEndpoint = "info" | "configure" | "stream_issues" | "stream_errors";

/** What a request path addresses. Project and location segments are deliberately not kept: they are ignored. */
export type Route =
  | { kind: "connector"; serviceId: string; connectorId: string; method: ConnectorMethod }
  | { kind: "service"; serviceId: string; method: ServiceMethod }
  | { kind: "management"; endpoint: ManagementEndpoint };

const CONNECTOR_METHODS: readonly string[] = [
  "executeQuery",
  "executeMutation",
  "impersonateQuery",
  "impersonateMutation",
];
const SERVICE_METHODS: readonly string[] = ["executeGraphql", "executeGraphqlRead"];
const MANAGEMENT: readonly string[] = ["info", "configure", "stream_issues", "stream_errors"];

// `/v1/projects/P/locations/L/services/S[/connectors/C]:verb`; older web SDKs say `v1beta`.
const API_PATH =
  /^\/(?:v1|v1beta)\/projects\/[^/]+\/locations\/[^/]+\/services\/([^/:]+)(?:\/connectors\/([^/:]+))?:([A-Za-z]+)$/;

/** Parses a request path (without its query string) into a Route, or `null` when nothing lives there. */
export function parseRoute(pathname: string): Route | null {
  const management = /^\/emulator\/([a-z_]+)\/?$/.exec(pathname);
  if (management) {
    const endpoint = management[1]!;
    return MANAGEMENT.includes(endpoint)
      ? { kind: "management", endpoint: endpoint as ManagementEndpoint }
      : null;
  }
  const match = API_PATH.exec(pathname);
  if (!match) return null;
  const serviceId = decodeSegment(match[1]!);
  const connectorId = match[2] === undefined ? undefined : decodeSegment(match[2]);
  const method = match[3]!;
  if (serviceId === null || connectorId === null) return null;
  if (connectorId !== undefined && CONNECTOR_METHODS.includes(method)) {
    return { kind: "connector", serviceId, connectorId, method: method as ConnectorMethod };
  }
  if (connectorId === undefined && SERVICE_METHODS.includes(method)) {
    return { kind: "service", serviceId, method: method as ServiceMethod };
  }
  return null;
}

/** The one HTTP method a route answers (besides the CORS preflight). */
export function methodOf(route: Route): "GET" | "POST" {
  if (route.kind !== "management") return "POST";
  return route.endpoint === "configure" ? "POST" : "GET";
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * Whether web pages may call the route: only the web SDK's own endpoints. Admin endpoints and `/emulator/*`
 * are for servers and tools (see cors.ts).
 */
export function servesBrowsers(route: Route): boolean {
  return (
    route.kind === "connector" && (route.method === "executeQuery" || route.method === "executeMutation")
  );
}
