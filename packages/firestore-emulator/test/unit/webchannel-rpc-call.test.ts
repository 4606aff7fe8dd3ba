import * as grpc from "@grpc/grpc-js";
import { describe, expect, it, vi } from "vitest";
import { metadataFromHeaders } from "../../src/http/metadata.ts";
import { type CallStatus, RpcCall, startCall } from "../../src/webchannel/rpc-call.ts";

function recordingCall(request?: object) {
  const messages: object[] = [];
  const statuses: CallStatus[] = [];
  const metadata = metadataFromHeaders({ authorization: "Bearer t" });
  const call = new RpcCall(
    "/google.firestore.v1.Firestore/Test",
    { metadata, peer: "127.0.0.1:1", host: "127.0.0.1:8080" },
    { message: (m) => messages.push(m), finish: (s) => statuses.push(s) },
    request,
  );
  return { call, messages, statuses };
}

describe("a browser call presented to the gRPC handlers", () => {
  it("gives a unary handler the request and metadata, then reports its response and OK", () => {
    const { call, messages, statuses } = recordingCall({ q: 1 });
    startCall(
      {
        Test: (c: RpcCall, callback: grpc.sendUnaryData<object>) =>
          callback(null, { echo: c.request, auth: c.metadata.get("authorization") }),
      },
      "Test",
      call,
      "unary",
    );
    expect(messages).toEqual([{ echo: { q: 1 }, auth: ["Bearer t"] }]);
    expect(statuses).toEqual([{ code: 0, details: "" }]);
  });

  it("ends with the status a streaming handler emits as an error, once", () => {
    const { call, statuses } = recordingCall();
    startCall(
      {
        Test: (c: RpcCall) => {
          c.on("data", () => c.emit("error", { code: grpc.status.NOT_FOUND, details: "gone" }));
        },
      },
      "Test",
      call,
      "stream",
    );
    call.receive({});
    call.receive({});
    expect(statuses).toEqual([{ code: 5, details: "gone" }]);
  });

  it("turns a handler that throws into INTERNAL for that call", () => {
    const { call, statuses } = recordingCall();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    startCall(
      {
        Test: () => {
          throw new TypeError("bug");
        },
      },
      "Test",
      call,
      "stream",
    );
    const logged = log.mock.calls.map((args) => args.join(" "));
    log.mockRestore();
    expect(statuses).toEqual([{ code: 13, details: "Internal error in the Firestore emulator." }]);
    // Logged as an internal error with its stack, which the incident log and the fuzz test look for.
    expect(logged).toEqual([
      expect.stringMatching(
        /^firestore-emulator: internal error: Test handler failed: TypeError: bug\n {4}at /,
      ),
    ]);
  });

  it("answers a method the implementation lacks with UNIMPLEMENTED", () => {
    const { call, statuses } = recordingCall();
    startCall({}, "Test", call, "unary");
    expect(statuses[0]?.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it("tells the handler when the client goes away, and drops what it writes after", () => {
    const { call, messages, statuses } = recordingCall();
    const events: string[] = [];
    call.on("cancelled", () => events.push("cancelled"));
    call.on("close", () => events.push("close"));
    call.cancel();
    expect(call.write({ late: true })).toBe(false);
    expect(events).toEqual(["cancelled", "close"]);
    expect([messages, statuses]).toEqual([[], []]);
  });
});

describe("metadata from HTTP headers", () => {
  it("keeps the call's headers and drops HTTP's own", () => {
    const metadata = metadataFromHeaders({
      Authorization: "Bearer x",
      "x-goog-api-client": "gl-js/ fire/12",
      "x-firebase-gmpid": ["1:2:web:3"],
      host: "localhost",
      cookie: "a=b",
      "content-type": "text/plain",
      "sec-fetch-mode": "cors",
      "x-thing-bin": "AAA",
      "bad name": "x",
      "x-control": "a\u0001b",
    });
    expect(metadata.getMap()).toEqual({
      authorization: "Bearer x",
      "x-goog-api-client": "gl-js/ fire/12",
      "x-firebase-gmpid": "1:2:web:3",
    });
  });
});
