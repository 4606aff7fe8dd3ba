import { describe, expect, it } from "vitest";
import { describeError } from "./errors.ts";

describe("describeError", () => {
  it("passes a server @check message on as a sentence", () => {
    const error = Object.assign(new Error("DataConnect error while performing request"), {
      response: { errors: [{ message: "you cannot follow this account", path: ["follow_insert"] }] },
    });
    expect(describeError(error)).toBe("You cannot follow this account.");
  });

  it("explains a network failure", () => {
    expect(describeError(new Error("Failed to fetch: TypeError: Failed to fetch"))).toMatch(
      /Can't reach Rookery/,
    );
  });

  it("passes a callable function's message on, but not its generic internal one", () => {
    expect(describeError({ code: "functions/not-found", message: "there is no such draft" })).toBe(
      "There is no such draft.",
    );
    expect(describeError({ code: "functions/internal", message: "internal" })).toMatch(/on our side/);
    expect(describeError({ code: "functions/unavailable", message: "unavailable" })).toMatch(
      /Can't reach Rookery/,
    );
  });

  it("explains Auth's codes", () => {
    expect(describeError({ code: "auth/invalid-credential", message: "x" })).toBe(
      "That email and password don't match an account.",
    );
    expect(describeError({ code: "auth/email-already-in-use", message: "x" })).toMatch(/already exists/);
    expect(describeError({ code: "auth/weak-password", message: "x" })).toMatch(/at least 6/);
  });

  it("says a duplicate is already done", () => {
    const error = Object.assign(new Error("x"), {
      response: { errors: [{ message: 'duplicate key value violates unique constraint "like_pkey"' }] },
    });
    expect(describeError(error)).toBe("That's already done.");
  });

  it("explains the field that failed in a transaction, not the ones rolled back because of it", () => {
    const error = Object.assign(new Error("x"), {
      response: {
        errors: [
          { message: "(rolled back) query was rolled back because user_update failed", path: ["query"] },
          {
            message: 'duplicate key value violates unique constraint "user_username_uidx"',
            path: ["user_update"],
          },
        ],
      },
    });
    expect(describeError(error)).toBe("That's already done.");
  });

  it("never shows an internal message it cannot explain", () => {
    expect(describeError(new Error('{"weird":{"nested":true}}'))).toBe(
      "Something went wrong on our side. Please try again.",
    );
  });
});
