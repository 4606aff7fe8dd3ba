// `@auth` (spec §4.2): evaluated before any SQL; failures are request-level errors.
import { evaluateCelBoolean } from "../cel/evaluate.ts";
import { RequestError, UNAUTHORIZED_MESSAGE } from "../errors.ts";
import type { AuthPolicy } from "./operation.ts";
import type { Caller } from "./types.ts";

const UNAUTHENTICATED_MESSAGE = "unauthenticated: this operation requires a signed-in user";

/** Throws unless `caller` may run an operation guarded by `policy`. Admins (not impersonating) always may. */
export function authorize(
  policy: AuthPolicy | undefined,
  caller: Caller,
  scope: { requestTime: Date; operationName?: string; vars: Record<string, unknown> },
): void {
  if (caller.kind === "admin") return;
  const auth = caller.auth;
  if (!policy || (!policy.level && !policy.expr))
    throw new RequestError("PERMISSION_DENIED", UNAUTHORIZED_MESSAGE);
  if (policy.expr !== undefined) {
    let allowed = false;
    try {
      allowed = evaluateCelBoolean(policy.expr, {
        auth,
        requestTime: scope.requestTime,
        vars: scope.vars,
        ...(scope.operationName ? { operationName: scope.operationName } : {}),
      });
    } catch {
      allowed = false; // e.g. `auth.uid` without a user: the expression cannot hold
    }
    if (!allowed)
      throw auth
        ? new RequestError("PERMISSION_DENIED", UNAUTHORIZED_MESSAGE)
        : new RequestError("UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE);
    return;
  }
  switch (policy.level) {
    case "PUBLIC":
      return;
    case "NO_ACCESS":
      throw new RequestError("PERMISSION_DENIED", UNAUTHORIZED_MESSAGE);
    case "USER_ANON":
      if (!auth) throw new RequestError("UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE);
      return;
    case "USER":
      if (!auth || signInProvider(auth.token) === "anonymous") {
        throw new RequestError(
          "UNAUTHENTICATED",
          auth ? "unauthenticated: anonymous users may not run this operation" : UNAUTHENTICATED_MESSAGE,
        );
      }
      return;
    case "USER_EMAIL_VERIFIED":
      if (auth?.token.email_verified !== true) {
        throw new RequestError(
          "UNAUTHENTICATED",
          auth ? "unauthenticated: this operation requires a verified email" : UNAUTHENTICATED_MESSAGE,
        );
      }
      return;
  }
}

function signInProvider(token: Record<string, unknown>): unknown {
  const firebase = token.firebase as { sign_in_provider?: unknown } | undefined;
  return firebase?.sign_in_provider ?? token.provider_id;
}
