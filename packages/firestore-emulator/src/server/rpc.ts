import type * as grpc from "@grpc/grpc-js";
import { toStatus } from "../errors.ts";
import { malformedError } from "../proto/decode.ts";
import type { IncidentLog } from "./incidents.ts";

let incidents: Pick<IncidentLog, "report"> = {
  report: (kind, detail) => console.error(`firestore-emulator: ${kind}: ${detail}`),
};

/** Where handlers report malformed requests and internal errors (set by the server). */
export function reportIncidentsTo(log: Pick<IncidentLog, "report">): void {
  incidents = log;
}

/** Turns any thrown value into a gRPC status object (FirestoreErrors keep their code). */
export function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const status = toStatus(error);
  if (status.code === 13) {
    incidents.report(
      "internal error",
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
  }
  return { code: status.code, details: status.details };
}

/**
 * Throws the INVALID_ARGUMENT of a request that could not be decoded (reported once), so handlers
 * only ever see well-formed messages.
 */
export function rejectMalformed(request: unknown, method: string | (() => string)): void {
  const error = malformedError(request);
  if (!error) return;
  incidents.report(
    "malformed request",
    `${typeof method === "string" ? method : method()}: ${error.message}`,
  );
  throw error;
}

/** A unary handler from an async function; a throw becomes that call's status, never a crash. */
export function unary<Req, Res>(
  fn: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
) {
  return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>): void => {
    Promise.resolve()
      .then(() => {
        rejectMalformed(call.request, () => call.getPath());
        return fn(call.request, call);
      })
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(grpcError(error)),
      );
  };
}

/** A server-streaming handler: `fn` yields responses through `write`; a throw ends the call with a status. */
export function serverStream<Req, Res>(
  fn: (
    request: Req,
    write: (response: Res) => void,
    call: grpc.ServerWritableStream<Req, Res>,
  ) => Promise<void>,
) {
  return (call: grpc.ServerWritableStream<Req, Res>): void => {
    Promise.resolve()
      .then(() => {
        rejectMalformed(call.request, () => call.getPath());
        return fn(call.request, (r) => call.write(r), call);
      })
      .then(
        () => call.end(),
        (error: unknown) => call.emit("error", grpcError(error)),
      );
  };
}
