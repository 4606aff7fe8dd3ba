import { describe, expect, it } from "vitest";
import { RequestError, UNAUTHORIZED_MESSAGE } from "../../src/errors.ts";
import { asRequestError, encodeRequestError, httpStatusOf } from "../../src/protocol/status.ts";

describe("httpStatusOf", () => {
  it.each([
    ["INVALID_ARGUMENT", 400],
    ["FAILED_PRECONDITION", 400],
    ["OUT_OF_RANGE", 400],
    ["UNAUTHENTICATED", 401],
    ["PERMISSION_DENIED", 403],
    ["NOT_FOUND", 404],
    ["ALREADY_EXISTS", 409],
    ["ABORTED", 409],
    ["RESOURCE_EXHAUSTED", 429],
    ["CANCELLED", 499],
    ["INTERNAL", 500],
    ["UNKNOWN", 500],
    ["DATA_LOSS", 500],
    ["UNIMPLEMENTED", 501],
    ["UNAVAILABLE", 503],
    ["DEADLINE_EXCEEDED", 504],
  ] as const)("maps %s to HTTP %i like grpc-gateway", (status, http) => {
    expect(httpStatusOf(status)).toBe(http);
  });
});

describe("encodeRequestError", () => {
  it("writes the numeric gRPC code, the message and typed details", () => {
    const error = new RequestError("PERMISSION_DENIED", UNAUTHORIZED_MESSAGE, [
      { message: "no @auth", extensions: { code: "PERMISSION_DENIED" } },
    ]);
    expect(encodeRequestError(error)).toEqual({
      httpStatus: 403,
      body: {
        code: 7,
        message: UNAUTHORIZED_MESSAGE,
        details: [
          {
            "@type": "type.googleapis.com/google.firebase.dataconnect.http.GraphqlError",
            message: "no @auth",
            extensions: { code: "PERMISSION_DENIED" },
          },
        ],
      },
    });
  });
});

describe("asRequestError", () => {
  it("keeps a RequestError as it is", () => {
    const error = new RequestError("NOT_FOUND", "gone");
    expect(asRequestError(error)).toBe(error);
  });

  it("turns any other error into INTERNAL with its message", () => {
    expect(asRequestError(new TypeError("boom"))).toMatchObject({ status: "INTERNAL", message: "boom" });
    expect(asRequestError("plain")).toMatchObject({ status: "INTERNAL", message: "plain" });
  });
});
