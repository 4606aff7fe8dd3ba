import type * as grpc from "@grpc/grpc-js";
import { Code, FirestoreError } from "../errors.ts";
import type { AuthClaims } from "../rules/index.ts";

/** Who sends a request: a privileged client (rules do not apply) or an app user (maybe signed out). */
export type Caller = { readonly kind: "admin" } | { readonly kind: "client"; readonly auth: AuthClaims };

/** The privileged caller (firebase-admin and the server SDKs send `Authorization: Bearer owner`). */
export const ADMIN: Caller = { kind: "admin" };
/** A signed-out app user. */
export const SIGNED_OUT: Caller = { kind: "client", auth: null };

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
}

/**
 * The caller an `Authorization` header names, decoded as the official emulator does: `Bearer owner`
 * is privileged; any other bearer token is a Firebase ID token whose payload is read without checking
 * its signature or expiry (the Auth emulator's tokens and rules-unit-testing's mock tokens are
 * unsigned, and the mock ones expire in 1970). No header is a signed-out user.
 */
export function callerFromAuthorization(header: string | undefined): Caller {
  if (!header) return SIGNED_OUT;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match)
    throw new FirestoreError(
      Code.UNAUTHENTICATED,
      "Unsupported authorization scheme; expected a Bearer token.",
    );
  const token = match[1]!.trim();
  if (token === "owner") return ADMIN;
  const parts = token.split(".");
  if (parts.length !== 3) {
    throw new FirestoreError(
      Code.UNAUTHENTICATED,
      "Invalid ID token: expected a JWT (header.payload.signature).",
    );
  }
  let claims: unknown;
  try {
    decodeSegment(parts[0]!);
    claims = decodeSegment(parts[1]!);
  } catch {
    throw new FirestoreError(Code.UNAUTHENTICATED, "Invalid ID token: the payload is not base64url JSON.");
  }
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) {
    throw new FirestoreError(Code.UNAUTHENTICATED, "Invalid ID token: the payload is not a JSON object.");
  }
  const c = claims as Record<string, unknown>;
  const uid = c.user_id ?? c.sub;
  if (typeof uid !== "string" || uid === "") {
    throw new FirestoreError(Code.UNAUTHENTICATED, "Invalid ID token: it names no user (sub or user_id).");
  }
  return { kind: "client", auth: c };
}

/**
 * The caller a call's metadata names (its `authorization` entry): gRPC metadata as sent, or the HTTP
 * headers of a REST or WebChannel request turned into metadata, so every transport decodes it alike.
 */
export function callerFromMetadata(metadata: grpc.Metadata): Caller {
  const value = metadata.get("authorization")[0];
  return callerFromAuthorization(typeof value === "string" ? value : value?.toString("utf8"));
}
