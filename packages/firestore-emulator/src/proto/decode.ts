import { isUtf8 } from "node:buffer";
import type * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { type FirestoreError, invalidArgument } from "../errors.ts";
import { invalidUtf8, MAX_REQUEST_BYTES, requestTooLarge } from "../limits/production.ts";

/** Marks a request that could not be decoded; handlers answer it with the error it carries. */
const MALFORMED = Symbol("malformed request");

/** A decoded request, or the reason it could not be decoded. */
export interface MalformedRequest {
  readonly [MALFORMED]: FirestoreError;
}

/** The error of a request that could not be decoded, or undefined for a good one. */
export function malformedError(request: unknown): FirestoreError | undefined {
  return typeof request === "object" && request !== null && MALFORMED in request
    ? (request as MalformedRequest)[MALFORMED]
    : undefined;
}

class InvalidUtf8 extends Error {}

/**
 * A protobuf reader that refuses strings that are not valid UTF-8, as proto3 requires and
 * production's parser does (protobufjs would silently replace the bad bytes).
 */
class StrictReader extends protobuf.BufferReader {
  override string(): string {
    const bytes = this.bytes() as Buffer;
    if (!isUtf8(bytes)) throw new InvalidUtf8();
    return bytes.toString("utf8");
  }
}

/** The options @grpc/proto-loader decodes with (see proto/load.ts): kept identical. */
const CONVERSION: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: false,
  oneofs: false,
};

/**
 * A request deserializer that never throws: oversized messages, bytes that are not a valid message
 * and strings that are not UTF-8 become a MalformedRequest carrying production's INVALID_ARGUMENT
 * (grpc-js would otherwise answer INTERNAL, or a handler would see replaced characters).
 */
function strictDeserializer(type: protobuf.Type): (buffer: Buffer) => unknown {
  return (buffer) => {
    if (buffer.length > MAX_REQUEST_BYTES) return { [MALFORMED]: requestTooLarge() };
    try {
      return type.toObject(type.decode(new StrictReader(buffer)), CONVERSION);
    } catch (error) {
      if (error instanceof InvalidUtf8) return { [MALFORMED]: invalidUtf8("A string in the request") };
      return {
        [MALFORMED]: invalidArgument(
          `Invalid request: the message could not be parsed (${(error as Error).message}).`,
        ),
      };
    }
  };
}

/**
 * A copy of a service definition whose request deserializers are strict and never throw (see
 * `strictDeserializer`). Responses are encoded as before.
 */
export function withStrictDecoding(
  definition: grpc.ServiceDefinition,
  root: protobuf.Root,
): grpc.ServiceDefinition {
  const service = root.lookupService("google.firestore.v1.Firestore");
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const requestType = root.lookupType(service.methods[name]!.requestType);
    out[name] = { ...method, requestDeserialize: strictDeserializer(requestType) };
  }
  return out as grpc.ServiceDefinition;
}
