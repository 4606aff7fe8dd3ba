import { AsyncLocalStorage } from "node:async_hooks";
import type * as grpc from "@grpc/grpc-js";
import { type Caller, callerFromMetadata, SIGNED_OUT } from "../security/caller.ts";

/**
 * What the handlers of one request know about it beyond its message: who is calling, decoded once from
 * its metadata (gRPC metadata, or HTTP/WebChannel headers turned into metadata). Security rules judge
 * this caller, and the commit events it causes name it (`...WithAuthContext` triggers).
 */
export interface RequestContext {
  readonly caller: Caller;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * The context a call's metadata describes (none: a signed-out caller); a malformed `authorization`
 * is UNAUTHENTICATED (thrown).
 */
export function contextOf(metadata: grpc.Metadata | undefined): RequestContext {
  return { caller: metadata ? callerFromMetadata(metadata) : SIGNED_OUT };
}

/** Runs `fn` as part of a request: code it calls (commit subscribers included) can read the context. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The caller of the request being served (signed out outside any request). Commit subscribers run
 * synchronously inside the commit, so they see the writer without it being threaded through every layer.
 */
export function currentCaller(): Caller {
  return storage.getStore()?.caller ?? SIGNED_OUT;
}
