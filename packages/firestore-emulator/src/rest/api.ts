import type http from "node:http";
import type protobuf from "protobufjs";
import { Code, FirestoreError, invalidArgument, toStatus } from "../errors.ts";
import { MAX_BODY_BYTES, readBody } from "../http/body.ts";
import type { HttpRoute } from "../http/front.ts";
import { metadataFromHeaders } from "../http/metadata.ts";
import { errorBody, sendJson } from "../http/responses.ts";
import {
  fieldFromQueryText,
  fieldNamed,
  messageFromJson,
  messageToJson,
  parseJsonRequest,
} from "../proto/json.ts";
import { firestoreProtos } from "../proto/load.ts";
import type { Rpc } from "../server/rpc.ts";
import { matchPathTemplate, splitRequestPath } from "./path-template.ts";
import { type Route, routesOf } from "./routes.ts";

/** Query parameters every Google REST API accepts and that never bind to request fields. */
const SYSTEM_PARAMETERS = new Set([
  "key",
  "alt",
  "$alt",
  "prettyPrint",
  "$prettyPrint",
  "fields",
  "$fields",
  "access_token",
  "oauth_token",
  "bearer_token",
  "callback",
  "$callback",
  "quotaUser",
  "$quotaUser",
  "upload_protocol",
  "uploadType",
  "$.xgafv",
  "pp",
]);

const JSON_TYPE = "application/json; charset=UTF-8";

/** Reads and parses a JSON body (any content type: the browser SDK sends `text/plain` to avoid preflights). */
async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  return parseJsonRequest(await readBody(req, MAX_BODY_BYTES));
}

/** Whether a captured resource name has the shape its field needs (documents have even depth). */
function isPlausible(bindings: ReadonlyMap<string, string>): boolean {
  for (const [field, value] of bindings) {
    const below = value.split("/").slice(5);
    if ((field === "name" || field === "document.name") && (below.length === 0 || below.length % 2 !== 0))
      return false;
    if (field === "parent" && below.length % 2 !== 0) return false;
  }
  return true;
}

/** Sets a dotted request field (`mask.field_paths`) from text, creating parent messages. */
function setFromText(
  type: protobuf.Type,
  request: Record<string, unknown>,
  dotted: string,
  text: string,
  source: "path" | "query",
): void {
  const names = dotted.split(".");
  let currentType = type;
  let target = request;
  for (let i = 0; i < names.length; i++) {
    const field = fieldNamed(currentType, names[i]!);
    if (!field || field.map || (i < names.length - 1 && field.repeated)) {
      throw invalidArgument(
        `Invalid JSON payload received. Unknown name "${dotted}": Cannot bind ${source} parameter.`,
      );
    }
    if (i < names.length - 1) {
      const child = field.resolvedType;
      if (!child || !("fields" in child)) {
        throw invalidArgument(
          `Invalid JSON payload received. Unknown name "${dotted}": Cannot bind ${source} parameter.`,
        );
      }
      target[field.name] ??= {};
      target = target[field.name] as Record<string, unknown>;
      currentType = child as protobuf.Type;
      continue;
    }
    const value = fieldFromQueryText(field, text, dotted);
    if (field.repeated)
      target[field.name] = [...((target[field.name] as unknown[] | undefined) ?? []), value];
    else target[field.name] = value;
  }
}

/** The route a request takes, with its path bindings; well-formed resource names win ties. */
function resolveRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; bindings: Map<string, string> } | undefined {
  const { segments, withVerb } = splitRequestPath(pathname);
  const candidates: { route: Route; bindings: Map<string, string> }[] = [];
  for (const route of routes) {
    if (route.httpMethod !== method) continue;
    const bindings = route.template.verb
      ? withVerb && matchPathTemplate(route.template, withVerb.segments, withVerb.verb)
      : matchPathTemplate(route.template, segments, undefined);
    if (bindings) candidates.push({ route, bindings });
  }
  // Routes with a custom verb are more specific than a verbless one that swallowed the colon.
  candidates.sort((a, b) => Number(!a.route.template.verb) - Number(!b.route.template.verb));
  return candidates.find((c) => isPlausible(c.bindings)) ?? candidates[0];
}

/** Builds the request message from the route's body, path variables and query parameters. */
async function requestOf(
  req: http.IncomingMessage,
  url: URL,
  route: Route,
  bindings: ReadonlyMap<string, string>,
): Promise<Record<string, unknown>> {
  let request: Record<string, unknown> = {};
  if (route.body === "*") {
    request = messageFromJson(route.requestType, await readJsonBody(req));
  } else if (route.body) {
    const field = fieldNamed(route.requestType, route.body)!;
    request[field.name] = messageFromJson(
      field.resolvedType as protobuf.Type,
      await readJsonBody(req),
      field.name,
    );
  }
  for (const [dotted, value] of bindings) setFromText(route.requestType, request, dotted, value, "path");
  for (const [key, value] of url.searchParams) {
    if (SYSTEM_PARAMETERS.has(key)) continue;
    if (route.body === "*") {
      throw invalidArgument(
        `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. Field '${key}' could not be found in request message.`,
      );
    }
    setFromText(route.requestType, request, key, value, "query");
  }
  return request;
}

/** Answers a server-streaming RPC as a JSON array, written as the responses come. */
async function streamArray(
  res: http.ServerResponse,
  route: Route,
  run: (write: (response: unknown) => void) => Promise<void>,
): Promise<void> {
  let started = false;
  const write = (response: unknown) => {
    const text = JSON.stringify(messageToJson(route.responseType, response as Record<string, unknown>));
    if (!started) {
      started = true;
      res.writeHead(200, { "content-type": JSON_TYPE });
      res.write(`[${text}`);
    } else res.write(`,\r\n${text}`);
  };
  try {
    await run(write);
    if (!started) {
      res.writeHead(200, { "content-type": JSON_TYPE });
      res.write("[");
    }
    res.end("]");
  } catch (error) {
    if (!started) throw error;
    // Once the array has begun, a failure becomes its last element, as Google's front ends do.
    const { code, details } = toStatus(error);
    res.end(`,\r\n${JSON.stringify(errorBody(code, details))}]`);
  }
}

/** The RPC implementations the REST API runs: the gRPC service's handlers, each carrying its `rpc`. */
export type RpcImplementations = Record<string, unknown>;

/**
 * The `google.firestore.v1` REST API: every route the service's protos declare, served by the same
 * handlers as gRPC (so validation, transactions, rules and triggers behave identically). It also serves
 * the browser SDK's unary calls (its `RestConnection` POSTs `:commit`, `:batchGet`, `:runQuery`,
 * `:runAggregationQuery` with `?key=` and a `text/plain` JSON body), which are REST calls. Claims
 * every path under `/v1/`.
 */
export function firestoreRestApi(implementations: RpcImplementations): HttpRoute {
  const routes = routesOf(firestoreProtos().lookupService("google.firestore.v1.Firestore"));
  return (req, res, url) =>
    url.pathname.startsWith("/v1/") ? serveRest(routes, implementations, req, res, url) : undefined;
}

/** Serves one REST call; a failure is thrown for the HTTP front to answer in Google's error shape. */
async function serveRest(
  routes: readonly Route[],
  implementations: RpcImplementations,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  const match = resolveRoute(routes, req.method ?? "GET", url.pathname);
  if (!match) {
    throw new FirestoreError(Code.NOT_FOUND, `No Firestore REST route for ${req.method} ${url.pathname}.`);
  }
  const { route, bindings } = match;
  const rpc = (implementations[route.rpc] as { rpc?: Rpc } | undefined)?.rpc;
  if (route.requestStream || !rpc) {
    throw new FirestoreError(
      Code.UNIMPLEMENTED,
      `${route.rpc} is a bidirectional stream: use gRPC, or the WebChannel transport in browsers.`,
    );
  }
  const request = await requestOf(req, url, route, bindings);
  const call = { metadata: metadataFromHeaders(req.headers) };
  if (rpc.kind === "unary") {
    const response = await rpc.run(request, call);
    sendJson(res, 200, messageToJson(route.responseType, response as Record<string, unknown>));
  } else {
    await streamArray(res, route, (write) => rpc.run(request, call, write));
  }
}
