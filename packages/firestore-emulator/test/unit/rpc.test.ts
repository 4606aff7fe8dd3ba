import type * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { Code, FirestoreError } from "../../src/errors.ts";
import { unary } from "../../src/server/rpc.ts";

function invoke(handler: ReturnType<typeof unary>): Promise<Partial<grpc.StatusObject> | null> {
  return new Promise((resolve) => {
    handler(
      { request: {} } as never,
      ((error: Partial<grpc.StatusObject> | null) => resolve(error)) as never,
    );
  });
}

describe("handler wrappers", () => {
  it("turn a FirestoreError into its status", async () => {
    const status = await invoke(
      unary(() => {
        throw new FirestoreError(Code.ALREADY_EXISTS, "exists");
      }),
    );
    expect(status).toEqual({ code: 6, details: "exists" });
  });

  it("turn an unexpected exception into INTERNAL for that call only", async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const status = await invoke(
        unary(() => {
          throw new TypeError("bug");
        }),
      );
      expect(status?.code).toBe(13);
      expect(status?.details).toContain("bug");
    } finally {
      console.error = original;
    }
  });
});
