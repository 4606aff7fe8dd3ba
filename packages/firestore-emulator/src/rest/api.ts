import type http from "node:http";
import * as grpc from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { Code, FirestoreError, invalidArgument, type StatusCode, toStatus } from "../errors.ts";
import { firestoreProtos } from "../proto/load.ts";
import { readBody } from "../server/http-body.ts";
import type { Rpc } from "../server/rpc.ts";
import { fieldFromQueryText, fieldNamed, type Json, messageFromJson, messageToJson } from "./json-codec.ts";
import { matchPathTemplate, splitRequestPath } from "./path-template.ts";
import { type Route, routesOf } from "./routes.ts";

/** Largest request body accepted, like the gRPC side's maximum message size. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

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

/** Headers that describe the HTTP exchange itself, not the call. */
const TRANSPORT_HEADERS = new Set([
  "connection",
  "content-length",
  "content-type",
  "host",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "accept",
  "accept-encoding",
]);

/** HTTP status and canonical name of each gRPC code, as Google's REST front ends map them. */
const HTTP_OF_CODE: Record<number, [number, string]> = {
  [Code.CANCELLED]: [499, "CANCELLED"],
  [Code.UNKNOWN]: [500, "UNKNOWN"],
  [Code.INVALID_ARGUMENT]: [400, "INVALID_ARGUMENT"],
  [Code.DEADLINE_EXCEEDED]: [504, "DEADLINE_EXCEEDED"],
  [Code.NOT_FOUND]: [404, "NOT_FOUND"],
  [Code.ALREADY_EXISTS]: [409, "ALREADY_EXISTS"],
  [Code.PERMISSION_DENIED]: [403, "PERMISSION_DENIED"],
  [Code.RESOURCE_EXHAUSTED]: [429, "RESOURCE_EXHAUSTED"],
  [Code.FAILED_PRECONDITION]: [400, "FAILED_PRECONDITION"],
  [Code.ABORTED]: [409, "ABORTED"],
  [Code.OUT_OF_RANGE]: [400, "OUT_OF_RANGE"],
  [Code.UNIMPLEMENTED]: [501, "UNIMPLEMENTED"],
  [Code.INTERNAL]: [500, "INTERNAL"],
  [Code.UNAVAILABLE]: [503, "UNAVAILABLE"],
  16: [401, "UNAUTHENTICATED"],
};

/** The JSON error body Google's REST APIs answer with, and its HTTP status. */
export function restError(error: unknown): { status: number; body: Json } {
  const { code, details } = toStatus(error);
  if (code === Code.INTERNAL) console.error("firestore-emulator: internal error:", error);
  const [status, name] = HTTP_OF_CODE[code] ?? [500, "UNKNOWN"];
  return { status, body: { error: { code: status, message: details, status: name } } };
}

const JSON_TYPE = "application/json; charset=UTF-8";

function sendJson(res: http.ServerResponse, status: number, body: Json): void {
  res.writeHead(status, { "content-type": JSON_TYPE });
  res.end(JSON.stringify(body));
}

function readRequestBody(req: http.IncomingMessage): Promise<string> {
  return readBody(
    req,
    MAX_BODY_BYTES,
    () => new FirestoreError(Code.RESOURCE_EXHAUSTED, "Request payload size exceeds the limit."),
  );
}

/**
 * Deepest nesting a body may have. Firestore values nest at most 20 maps or arrays (3 JSON levels each);
 * the decoder recurses per level, so a hostile body must not reach it.
 */
const MAX_JSON_DEPTH = 128;

/** How deeply a parsed JSON value nests, measured without recursion. */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) break;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`);
  }
  if (jsonDepth(parsed) > MAX_JSON_DEPTH) {
    throw invalidArgument(`Invalid JSON payload received. Nesting deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return parsed;
}

/** gRPC metadata from HTTP headers, so handlers (and rules) read the same `authorization` either way. */
function metadataOf(req: http.IncomingMessage): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [name, value] of Object.entries(req.headers)) {
    if (TRANSPORT_HEADERS.has(name) || name.endsWith("-bin") || !/^[0-9a-z_.-]+$/.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value ?? ""]) metadata.add(name, v);
  }
  return metadata;
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
    request = messageFromJson(route.requestType, parseJsonBody(await readRequestBody(req)));
  } else if (route.body) {
    const field = fieldNamed(route.requestType, route.body)!;
    request[field.name] = messageFromJson(
      field.resolvedType as protobuf.Type,
      parseJsonBody(await readRequestBody(req)),
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
    const { status, body } = restError(error);
    // Once the array has begun, a failure becomes its last element, as Google's front ends do.
    if (started) res.end(`,\r\n${JSON.stringify(body)}]`);
    else sendJson(res, status, body);
  }
}

/** The RPC implementations the REST API runs: the gRPC service's handlers, each carrying its `rpc`. */
export type RpcImplementations = Record<string, unknown>;

/**
 * The `google.firestore.v1` REST API: every route the service's protos declare, served by the same
 * handlers as gRPC (so validation, transactions, rules and triggers behave identically). Returns a
 * request handler for paths under `/v1/`.
 */
export function firestoreRestApi(
  implementations: RpcImplementations,
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const routes = routesOf(firestoreProtos().lookupService("google.firestore.v1.Firestore"));
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const match = resolveRoute(routes, req.method ?? "GET", url.pathname);
      if (!match) {
        throw new FirestoreError(
          Code.NOT_FOUND,
          `No Firestore REST route for ${req.method} ${url.pathname}.`,
        );
      }
      const { route, bindings } = match;
      const rpc = (implementations[route.rpc] as { rpc?: Rpc } | undefined)?.rpc;
      if (route.requestStream || !rpc) {
        throw new FirestoreError(
          Code.UNIMPLEMENTED as StatusCode,
          `${route.rpc} is a bidirectional stream: use gRPC, or the WebChannel transport in browsers.`,
        );
      }
      const request = await requestOf(req, url, route, bindings);
      const call = { metadata: metadataOf(req) };
      if (rpc.kind === "unary") {
        const response = await rpc.run(request, call);
        sendJson(res, 200, messageToJson(route.responseType, response as Record<string, unknown>));
      } else {
        await streamArray(res, route, (write) => rpc.run(request, call, write));
      }
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const { status, body } = restError(error);
      sendJson(res, status, body);
    }
  };
}
