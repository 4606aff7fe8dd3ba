import { AsyncLocalStorage } from "node:async_hooks";
import type * as grpc from "@grpc/grpc-js";

/**
 * Who made a request, in the terms Firestore's change events use (`authtype`/`authid`): a signed-in
 * app user (an ID token's uid), a service account (the Admin SDK's `Bearer owner`, or any other token),
 * or nobody.
 */
export interface Principal {
  readonly authType: "app_user" | "service_account" | "unauthenticated";
  readonly authId?: string;
}

/** What the handlers of one request know about it, beyond its message. */
export interface RequestContext {
  readonly principal: Principal;
}

const UNAUTHENTICATED: RequestContext = { principal: { authType: "unauthenticated" } };
const storage = new AsyncLocalStorage<RequestContext>();

/** The JSON claims of a JWT, without verifying it (the emulator trusts tokens, as the official one does). */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The principal an `Authorization` header names. */
export function principalOf(authorization: string | undefined): Principal {
  const token = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!token) return UNAUTHENTICATED.principal;
  const claims = jwtClaims(token);
  const uid = claims?.user_id ?? claims?.sub;
  if (claims?.firebase !== undefined && typeof uid === "string" && uid !== "") {
    return { authType: "app_user", authId: uid };
  }
  return { authType: "service_account" };
}

/** The request context gRPC metadata (or HTTP headers turned into metadata) describes. */
export function contextOf(metadata: grpc.Metadata | undefined): RequestContext {
  const authorization = metadata?.get("authorization")[0];
  return { principal: principalOf(typeof authorization === "string" ? authorization : undefined) };
}

/** Runs `fn` as part of a request: code it calls (commit events included) can read the context. */
export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The context of the request being served. Commit subscribers run synchronously inside the commit,
 * so they see the writer's context without it being threaded through every layer.
 */
export function currentRequest(): RequestContext {
  return storage.getStore() ?? UNAUTHENTICATED;
}
