import { describe, expect, it } from "vitest";
import { authFromIdToken, callerFromAuthHeader } from "../../src/auth/id-token.ts";
import { emulatorIdToken } from "../protocol/support/tokens.ts";

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("authFromIdToken", () => {
  it("decodes an unsigned Auth-emulator token into uid and all claims", () => {
    const auth = authFromIdToken(emulatorIdToken("alice", { admin: true }));
    expect(auth.uid).toBe("alice");
    expect(auth.token).toMatchObject({
      sub: "alice",
      admin: true,
      firebase: { sign_in_provider: "password" },
    });
  });

  it("accepts an RS256 token without verifying its signature", () => {
    const token = `${encode({ alg: "RS256", kid: "k" })}.${encode({ sub: "bob" })}.${"c2lnbmF0dXJl"}`;
    expect(authFromIdToken(token).uid).toBe("bob");
  });

  it("ignores exp: an expired token is still accepted", () => {
    expect(authFromIdToken(emulatorIdToken("carol", { exp: 1 })).uid).toBe("carol");
  });

  it("falls back to user_id when sub is missing", () => {
    const token = `${encode({ alg: "none" })}.${encode({ user_id: "dave" })}.`;
    expect(authFromIdToken(token).uid).toBe("dave");
  });

  it("refuses something that is not a JWT as UNAUTHENTICATED", () => {
    expect(() => authFromIdToken("not-a-token")).toThrow(
      expect.objectContaining({ status: "UNAUTHENTICATED" }),
    );
    expect(() => authFromIdToken("a.b.c")).toThrow(expect.objectContaining({ status: "UNAUTHENTICATED" }));
  });

  it("refuses a token that names no user as UNAUTHENTICATED", () => {
    const token = `${encode({ alg: "none" })}.${encode({ iss: "x" })}.`;
    expect(() => authFromIdToken(token)).toThrow(expect.objectContaining({ status: "UNAUTHENTICATED" }));
  });
});

describe("callerFromAuthHeader", () => {
  it("is the signed-out user when the header is absent or empty", () => {
    expect(callerFromAuthHeader(undefined)).toEqual({ kind: "user", auth: null });
    expect(callerFromAuthHeader("")).toEqual({ kind: "user", auth: null });
  });

  it("is the token's user, with or without a Bearer prefix", () => {
    const token = emulatorIdToken("erin");
    expect(callerFromAuthHeader(token)).toMatchObject({ kind: "user", auth: { uid: "erin" } });
    expect(callerFromAuthHeader(`Bearer ${token}`)).toMatchObject({ kind: "user", auth: { uid: "erin" } });
  });
});
