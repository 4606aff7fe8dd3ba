import { decodeJwt } from "jose";
import type { AuthContext, Caller } from "../engine/types.ts";
import { RequestError } from "../errors.ts";

/**
 * The end user an ID token names, decoded WITHOUT verifying it: Auth-emulator tokens are unsigned
 * (`alg: none`), and real RS256 tokens are taken at their word too. `exp` is ignored, like the official
 * emulator appears to. A token that is not a JWT, or names no user, is UNAUTHENTICATED.
 */
export function authFromIdToken(token: string): AuthContext {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch (error) {
    throw new RequestError("UNAUTHENTICATED", `invalid Firebase ID token: ${(error as Error).message}`);
  }
  const uid = uidOf(payload);
  if (uid === undefined) {
    throw new RequestError(
      "UNAUTHENTICATED",
      "invalid Firebase ID token: it has no `sub` (or `user_id`) claim",
    );
  }
  return { uid, token: payload };
}

/** The caller of a connector endpoint, from its `X-Firebase-Auth-Token` header: signed out when absent. */
export function callerFromAuthHeader(header: string | string[] | undefined): Caller {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!raw) return { kind: "user", auth: null };
  // The header carries the bare token; tolerate a `Bearer ` prefix that hand-written clients add.
  const token = raw.replace(/^Bearer\s+/i, "");
  return { kind: "user", auth: authFromIdToken(token) };
}

/** `sub`, or the Firebase-specific `user_id` that carries the same uid. */
export function uidOf(claims: Record<string, unknown>): string | undefined {
  for (const claim of [claims.sub, claims.user_id]) {
    if (typeof claim === "string" && claim !== "") return claim;
  }
  return undefined;
}
