import { EventEmitter } from "node:events";
import * as grpc from "@grpc/grpc-js";
import { reportIncident } from "../incidents.ts";

/** A finished call's status, as gRPC reports it. */
export interface CallStatus {
  readonly code: number;
  readonly details: string;
}

/** Where a call's responses go. */
export interface CallSink {
  message(response: object): void;
  /** Called once: OK after the last message, or the error that ended the call. */
  finish(status: CallStatus): void;
}

/** Who is calling: request headers as gRPC metadata, the peer address, the host it addressed. */
export interface CallOrigin {
  readonly metadata: grpc.Metadata;
  readonly peer: string;
  readonly host: string;
}

/** A gRPC service implementation: handlers by method name, as given to `Server.addService`. */
export type ServiceImplementation = Readonly<Record<string, (...args: never[]) => void>>;

const OK: CallStatus = { code: grpc.status.OK, details: "" };

function statusOf(error: unknown): CallStatus {
  const e = (error ?? {}) as { code?: unknown; details?: unknown; message?: unknown };
  const code = typeof e.code === "number" ? e.code : grpc.status.UNKNOWN;
  const details = typeof e.details === "string" ? e.details : typeof e.message === "string" ? e.message : "";
  return { code, details };
}

/**
 * Presents a browser request to the gRPC handlers as the server call grpc-js would give them
 * (`request`, `metadata`, `write`, `end`, the `data`/`end`/`cancelled`/`close` events, an `error`
 * event that ends the call with that status). Every RPC then runs through the very handlers gRPC
 * clients reach, so their checks (and anything layered into them) apply to browsers unchanged.
 */
export class RpcCall extends EventEmitter {
  readonly request: object | undefined;
  readonly metadata: grpc.Metadata;
  cancelled = false;
  private readonly sink: CallSink;
  private readonly origin: CallOrigin;
  private readonly path: string;
  private finished = false;

  constructor(path: string, origin: CallOrigin, sink: CallSink, request?: object) {
    super();
    this.path = path;
    this.metadata = origin.metadata;
    this.origin = origin;
    this.sink = sink;
    this.request = request;
    // grpc-js does the same: an emitted error is the status the call ends with.
    this.on("error", (error: unknown) => this.finish(statusOf(error)));
  }

  /** Whether the call has ended (finished or cancelled). */
  get done(): boolean {
    return this.finished;
  }

  /** Sends one response message. */
  write(message: object): boolean {
    if (this.finished) return false;
    this.sink.message(message);
    return true;
  }

  /** Ends the call with OK. */
  end(): this {
    this.finish(OK);
    return this;
  }

  /** Delivers one client message to a streaming handler. */
  receive(request: object): void {
    if (!this.finished) this.emit("data", request);
  }

  /** The client went away: the handler sees `cancelled` and `close`, and nothing more is sent. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.cancelled = true;
    this.emit("cancelled", "cancelled");
    this.emit("close");
  }

  getPeer(): string {
    return this.origin.peer;
  }
  getDeadline(): number {
    return Number.POSITIVE_INFINITY;
  }
  getPath(): string {
    return this.path;
  }
  getHost(): string {
    return this.origin.host;
  }
  /** Plain text, as gRPC reports insecure connections. */
  getAuthContext(): { transportSecurityType?: string } {
    return {};
  }
  sendMetadata(): void {}

  private finish(status: CallStatus): void {
    if (this.finished) return;
    this.finished = true;
    this.sink.finish(status);
    this.emit("close");
  }
}

/**
 * Runs one RPC's handler on a call: unary handlers get a callback, streaming ones the call itself.
 * A handler that throws ends the call with INTERNAL instead of escaping.
 */
export function startCall(
  implementation: ServiceImplementation,
  method: string,
  call: RpcCall,
  kind: "unary" | "stream",
): void {
  const handler = implementation[method] as ((...args: unknown[]) => void) | undefined;
  try {
    if (!handler) {
      call.emit("error", {
        code: grpc.status.UNIMPLEMENTED,
        details: `Method ${method} is not implemented.`,
      });
    } else if (kind === "unary") {
      handler(call, (error: unknown, response: object | undefined) => {
        if (error) call.emit("error", error);
        else {
          call.write(response ?? {});
          call.end();
        }
      });
    } else {
      handler(call);
    }
  } catch (error) {
    // A bug, reported like every other internal error (so the incident log, and the fuzz test, see it).
    reportIncident(
      "internal error",
      `${method} handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    call.emit("error", { code: grpc.status.INTERNAL, details: "Internal error in the Firestore emulator." });
  }
}
