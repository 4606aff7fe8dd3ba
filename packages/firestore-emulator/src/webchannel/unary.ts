import type http from "node:http";
import * as grpc from "@grpc/grpc-js";
import { toStatus } from "../errors.ts";
import { type FirestoreMethod, firestoreMethod, messageFromJson, messageToJson } from "../proto/json.ts";
import {
  BodyTooLarge,
  errorBody,
  httpStatusOf,
  peerOf,
  readBody,
  sendJson,
  sendTooLarge,
} from "./http-util.ts";
import { metadataFromHeaders, RpcCall, type ServiceImplementation, startCall } from "./rpc-call.ts";

/**
 * The RPCs the browser SDK sends as plain HTTP POSTs (its `RestConnection`): `POST /v1/{path}:{verb}`
 * with a proto3 JSON body, answered with one JSON message, or a JSON array of them for the
 * server-streaming RPCs. `field` is the request field the URL path fills in.
 */
const BROWSER_RPCS: Readonly<Record<string, { rpc: string; field: "database" | "parent" }>> = {
  commit: { rpc: "Commit", field: "database" },
  batchGet: { rpc: "BatchGetDocuments", field: "database" },
  runQuery: { rpc: "RunQuery", field: "parent" },
  runAggregationQuery: { rpc: "RunAggregationQuery", field: "parent" },
  executePipeline: { rpc: "ExecutePipeline", field: "database" },
};

const ROUTE = /^\/v1\/(projects\/[^/]+\/databases\/[^/]+\/documents(?:\/[^:]+)?):([A-Za-z]+)$/;

/** A matched unary route: the RPC and the value of the request field the path names. */
export interface UnaryRoute {
  readonly method: FirestoreMethod;
  readonly field: "database" | "parent";
  readonly value: string;
}

/** The browser RPC a POST to `pathname` calls, if any. */
export function matchUnaryRoute(httpMethod: string | undefined, pathname: string): UnaryRoute | undefined {
  if (httpMethod !== "POST") return undefined;
  const m = ROUTE.exec(pathname);
  if (!m) return undefined;
  const entry = Object.hasOwn(BROWSER_RPCS, m[2]!) ? BROWSER_RPCS[m[2]!] : undefined;
  if (!entry) return undefined;
  let resource: string;
  try {
    resource = m[1]!.split("/").map(decodeURIComponent).join("/");
  } catch {
    return undefined;
  }
  if (entry.field === "database") {
    // {database=projects/*/databases/*}/documents:verb
    if (!/^projects\/[^/]+\/databases\/[^/]+\/documents$/.test(resource)) return undefined;
    resource = resource.slice(0, -"/documents".length);
  }
  return { method: firestoreMethod(entry.rpc)!, field: entry.field, value: resource };
}

/** Serves one unary route: decode the body, run the gRPC handler, answer JSON. */
export async function handleUnary(
  implementation: ServiceImplementation,
  route: UnaryRoute,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  maxBodyBytes: number,
): Promise<void> {
  const fail = (code: number, details: string) =>
    sendJson(res, httpStatusOf(code), errorBody({ code, details }));
  let request: Record<string, unknown>;
  try {
    const body = await readBody(req, maxBodyBytes);
    request = messageFromJson(route.method.request, body.trim() === "" ? {} : JSON.parse(body));
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      const status = {
        code: grpc.status.INVALID_ARGUMENT,
        details: `Request payload size exceeds the limit: ${maxBodyBytes} bytes.`,
      };
      sendTooLarge(res, JSON.stringify(errorBody(status)), "application/json; charset=utf-8");
    } else if (error instanceof SyntaxError)
      fail(grpc.status.INVALID_ARGUMENT, `Invalid JSON payload received. ${error.message}`);
    else {
      const status = toStatus(error);
      fail(status.code, status.details);
    }
    return;
  }
  request[route.field] = route.value;
  const responses: unknown[] = [];
  const { method } = route;
  const call = new RpcCall(
    `/google.firestore.v1.Firestore/${method.name}`,
    { metadata: metadataFromHeaders(req.headers), peer: peerOf(req), host: req.headers.host ?? "" },
    {
      message: (response) => responses.push(messageToJson(method.response, response)),
      finish: (status) => {
        if (status.code !== grpc.status.OK) fail(status.code, status.details);
        else sendJson(res, 200, method.serverStreaming ? responses : (responses[0] ?? {}));
      },
    },
    request,
  );
  res.on("close", () => {
    if (!res.writableFinished) call.cancel();
  });
  startCall(implementation, method.name, call, method.serverStreaming ? "stream" : "unary");
}
