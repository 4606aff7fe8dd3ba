import type * as grpc from "@grpc/grpc-js";
import { type Caller, callerFromAuthorization } from "../security/caller.ts";

/** The caller of a gRPC call, from its `authorization` metadata. */
export function callerOf(call: { metadata: grpc.Metadata }): Caller {
  const value = call.metadata.get("authorization")[0];
  return callerFromAuthorization(typeof value === "string" ? value : value?.toString("utf8"));
}
