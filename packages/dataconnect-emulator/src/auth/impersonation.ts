import { z } from "zod";
import type { Caller } from "../engine/types.ts";
import { uidOf } from "./id-token.ts";

/**
 * `extensions.impersonate` of an admin request: exactly one of `{unauthenticated: true}` or
 * `{authClaims: {...}}` (the claims of the ID token to pretend, `sub` naming the user). Unknown keys such as
 * REST's `includeDebugDetails` are tolerated.
 */
export const impersonationSchema = z
  .object({
    unauthenticated: z.literal(true).optional(),
    authClaims: z
      .record(z.string(), z.unknown())
      .refine((claims) => uidOf(claims) !== undefined, {
        message: "authClaims must name the user in `sub` (a non-empty string)",
      })
      .optional(),
  })
  .refine((value) => (value.unauthenticated === undefined) !== (value.authClaims === undefined), {
    message: "impersonate must set exactly one of `unauthenticated: true` or `authClaims`",
  });

/** A validated `extensions.impersonate`. */
export type Impersonation = z.infer<typeof impersonationSchema>;

/** Who an admin request runs as: the admin itself (bypassing `@auth`) unless it impersonates a user. */
export function callerFromImpersonation(impersonate: Impersonation | undefined | null): Caller {
  if (!impersonate) return { kind: "admin" };
  if (impersonate.authClaims) {
    return { kind: "user", auth: { uid: uidOf(impersonate.authClaims)!, token: impersonate.authClaims } };
  }
  return { kind: "user", auth: null };
}
