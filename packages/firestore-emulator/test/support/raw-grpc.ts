import * as grpc from "@grpc/grpc-js";
import { firestoreProtos } from "../../src/proto/load.ts";

/** The request message type of a Firestore RPC. */
function requestType(method: string) {
  const root = firestoreProtos();
  const service = root.lookupService("google.firestore.v1.Firestore");
  return root.lookupType(service.methods[method]!.requestType);
}

/** Encodes a request object (camelCase fields) as the RPC's protobuf bytes. */
export function encodeRequest(method: string, request: object): Buffer {
  const type = requestType(method);
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}

/** The outcome of a raw call: its status, and whether a response message came back. */
export interface RawOutcome {
  readonly code: grpc.status;
  readonly details: string;
}

/**
 * Sends arbitrary bytes as the request of a unary or server-streaming Firestore RPC (no encoding on
 * our side, so malformed messages reach the server as they are) and reports the final status.
 */
export function sendRawRequest(
  client: grpc.Client,
  method: string,
  bytes: Buffer,
  timeoutMs = 5_000,
): Promise<RawOutcome> {
  const path = `/google.firestore.v1.Firestore/${method}`;
  const identity = (b: Buffer) => b;
  const options = { deadline: Date.now() + timeoutMs };
  return new Promise((resolve) => {
    const streaming = ["BatchGetDocuments", "RunQuery", "RunAggregationQuery", "ExecutePipeline"].includes(
      method,
    );
    if (streaming) {
      const stream = client.makeServerStreamRequest(
        path,
        identity,
        identity,
        bytes,
        new grpc.Metadata(),
        options,
      );
      stream.on("data", () => {});
      stream.on("error", (e: grpc.ServiceError) => resolve({ code: e.code, details: e.details }));
      stream.on("status", (s: grpc.StatusObject) => {
        if (s.code === grpc.status.OK) resolve({ code: s.code, details: s.details });
      });
    } else {
      client.makeUnaryRequest(path, identity, identity, bytes, new grpc.Metadata(), options, (error) =>
        resolve(error ? { code: error.code, details: error.details } : { code: grpc.status.OK, details: "" }),
      );
    }
  });
}

/** A bare gRPC client for raw requests. */
export function bareClient(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure());
}
