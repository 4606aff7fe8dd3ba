import { describe, expect, it } from "vitest";
import { callerFromImpersonation, impersonationSchema } from "../../src/auth/impersonation.ts";

describe("callerFromImpersonation", () => {
  it("is the admin without impersonation", () => {
    expect(callerFromImpersonation(undefined)).toEqual({ kind: "admin" });
    expect(callerFromImpersonation(null)).toEqual({ kind: "admin" });
  });

  it("is the signed-out user for {unauthenticated: true}", () => {
    expect(callerFromImpersonation({ unauthenticated: true })).toEqual({ kind: "user", auth: null });
  });

  it("is the claimed user for {authClaims}, uid from sub and the claims as the token", () => {
    const authClaims = { sub: "alice", email_verified: true, firebase: { sign_in_provider: "password" } };
    expect(callerFromImpersonation({ authClaims })).toEqual({
      kind: "user",
      auth: { uid: "alice", token: authClaims },
    });
  });
});

describe("impersonationSchema", () => {
  it("accepts exactly one of unauthenticated and authClaims, tolerating unknown keys", () => {
    expect(impersonationSchema.safeParse({ unauthenticated: true, includeDebugDetails: true }).success).toBe(
      true,
    );
    expect(impersonationSchema.safeParse({ authClaims: { sub: "a" } }).success).toBe(true);
  });

  it("refuses neither, both, unauthenticated: false, and claims without a user", () => {
    for (const value of [
      {},
      { unauthenticated: true, authClaims: { sub: "a" } },
      { unauthenticated: false },
      { authClaims: { email: "x" } },
    ]) {
      expect(impersonationSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
  });
});
