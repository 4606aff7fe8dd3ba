import type * as grpc from "@grpc/grpc-js";
import { toStatus } from "../errors.ts";
import { reportIncident, reportInternalError } from "../incidents.ts";
import { malformedError } from "../proto/decode.ts";
import { contextOf, type RequestContext, runInRequest } from "./request-context.ts";

/** Turns any thrown value into a gRPC status object (FirestoreErrors keep their code). */
export function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const status = toStatus(error);
  if (status.code === 13) reportInternalError(error);
  return { code: status.code, details: status.details };
}

/** What a transport knows about a call besides its request: its metadata (headers), maybe its path. */
export interface IncomingCall {
  readonly metadata: grpc.Metadata;
  /** `/google.firestore.v1.Firestore/Method`, where the transport knows it (for incident reports). */
  getPath?(): string;
}

/**
 * Throws the INVALID_ARGUMENT of a request that could not be decoded (reported once), so handlers
 * only ever see well-formed messages.
 */
export function rejectMalformed(request: unknown, method: string | (() => string)): void {
  const error = malformedError(request);
  if (!error) return;
  reportIncident("malformed request", `${typeof method === "string" ? method : method()}: ${error.message}`);
  throw error;
}

/**
 * A handler's transport-independent body, attached to the gRPC handler as `rpc` so that other
 * transports (REST) run exactly the same code, inside the same request context.
 */
export type Rpc =
  | { readonly kind: "unary"; run(request: unknown, call: IncomingCall): Promise<unknown> }
  | {
      readonly kind: "serverStream";
      run(request: unknown, call: IncomingCall, write: (response: unknown) => void): Promise<void>;
    };

/**
 * Runs `fn` in the request context of `call`: a request that could not be decoded is refused first
 * (INVALID_ARGUMENT); its caller is decoded once, here (a malformed `authorization` rejects with
 * UNAUTHENTICATED), for the handler, its rules checks and commit events.
 */
function inRequest<T>(
  call: IncomingCall,
  request: unknown,
  fn: (context: RequestContext) => Promise<T> | T,
): Promise<T> {
  return Promise.resolve().then(() => {
    rejectMalformed(request, () => call.getPath?.() ?? "request");
    const context = contextOf(call.metadata);
    return runInRequest(context, () => fn(context));
  });
}

/** A unary handler from an async function; a throw becomes that call's status, never a crash. */
export function unary<Req, Res>(fn: (request: Req, context: RequestContext) => Promise<Res> | Res) {
  const run = (request: Req, call: IncomingCall): Promise<Res> =>
    inRequest(call, request, (context) => fn(request, context));
  const handler = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>): void => {
    run(call.request, call).then(
      (response) => callback(null, response),
      (error: unknown) => callback(grpcError(error)),
    );
  };
  return Object.assign(handler, { rpc: { kind: "unary", run } as Rpc });
}

/** A server-streaming handler: `fn` yields responses through `write`; a throw ends the call with a status. */
export function serverStream<Req, Res>(
  fn: (request: Req, write: (response: Res) => void, context: RequestContext) => Promise<void>,
) {
  const run = (request: Req, call: IncomingCall, write: (response: Res) => void): Promise<void> =>
    inRequest(call, request, (context) => fn(request, write, context));
  const handler = (call: grpc.ServerWritableStream<Req, Res>): void => {
    run(call.request, call, (r) => call.write(r)).then(
      () => call.end(),
      (error: unknown) => call.emit("error", grpcError(error)),
    );
  };
  return Object.assign(handler, { rpc: { kind: "serverStream", run } as Rpc });
}
