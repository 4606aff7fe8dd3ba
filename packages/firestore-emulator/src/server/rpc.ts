import type * as grpc from "@grpc/grpc-js";
import { toStatus } from "../errors.ts";

/** Turns any thrown value into a gRPC status object (FirestoreErrors keep their code). */
export function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const status = toStatus(error);
  if (status.code === 13) console.error("firestore-emulator: internal error:", error);
  return { code: status.code, details: status.details };
}

/** A unary handler from an async function; a throw becomes that call's status, never a crash. */
export function unary<Req, Res>(
  fn: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
) {
  return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>): void => {
    Promise.resolve()
      .then(() => fn(call.request, call))
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
      .then(() => fn(call.request, (r) => call.write(r), call))
      .then(
        () => call.end(),
        (error: unknown) => call.emit("error", grpcError(error)),
      );
  };
}
