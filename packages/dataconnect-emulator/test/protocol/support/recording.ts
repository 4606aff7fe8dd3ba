// The HTTP surface over a recording in-test Service and control (no engine, no database): what the
// protocol suites use to pin routing, CORS, bodies, identity and error encoding.
import type { ConnectorRequest, GraphqlRequest, Service } from "../../../src/engine/types.ts";
import type { GraphqlError } from "../../../src/errors.ts";
import { Broadcast } from "../../../src/protocol/broadcast.ts";
import type { EmulatorControl, Issue } from "../../../src/protocol/control.ts";
import { createRequestHandler, type HandlerOptions } from "../../../src/protocol/handler.ts";
import { type HttpListeners, listenAll } from "../../../src/protocol/http-server.ts";
import type { ConfigureRequest } from "../../../src/protocol/requests.ts";
import { ServiceHolder } from "../../../src/protocol/service-holder.ts";
import { silentLogger } from "../../../src/runtime/log.ts";

export const CONNECTOR = "/v1/projects/demo/locations/us-central1/services/svc/connectors/main";
export const SERVICE = "/v1/projects/demo/locations/us-central1/services/svc";

/** A listening handler whose service and control record what reaches them. */
export interface RecordingServer {
  base: string;
  holder: ServiceHolder;
  /** Connector and GraphQL requests the service received, in order. */
  calls: (ConnectorRequest | GraphqlRequest)[];
  /** Bodies `/emulator/configure` handed over. */
  configured: ConfigureRequest[];
  /** When set, the service throws it. */
  failWith: unknown;
  control: EmulatorControl;
  port: number;
  /** POSTs `body` (JSON unless a string) to `path`. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Forgets the calls and failure, and serves the recording service again. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a RecordingServer on a free port of 127.0.0.1. */
export async function recordingServer(
  options: Partial<Omit<HandlerOptions, "services" | "control" | "log">> = {},
): Promise<RecordingServer> {
  const holder = new ServiceHolder("not ready yet");
  const server = {
    calls: [] as (ConnectorRequest | GraphqlRequest)[],
    configured: [] as ConfigureRequest[],
    failWith: undefined as unknown,
  };
  const service: Service = {
    serviceId: "svc",
    async executeConnector(request) {
      server.calls.push(request);
      if (server.failWith) throw server.failWith;
      return { data: { op: request.operationName } };
    },
    async executeGraphql(request) {
      server.calls.push(request);
      if (server.failWith) throw server.failWith;
      return { data: { ok: true }, errors: [] };
    },
    async subscribeQuery() {
      throw new Error("not served over HTTP");
    },
  };
  const control: EmulatorControl = {
    info: () => ({ version: "test", services: [{ serviceId: "svc", connectionString: "pg" }] }),
    async configure(request) {
      if (request.connectionString === "postgres://fail") throw new Error("connection refused");
      server.configured.push(request);
    },
    issues: new Broadcast<Issue[]>([]),
    errors: new Broadcast<GraphqlError[]>([]),
    serviceId: () => "svc",
  };
  const listeners: HttpListeners = await listenAll(
    createRequestHandler({ services: holder, control, log: silentLogger, ...options }),
    [{ host: "127.0.0.1", port: 0 }],
  );
  await holder.swap(service);
  const base = listeners.addresses[0]!.url;
  return Object.assign(server, {
    base,
    control,
    port: listeners.addresses[0]!.port,
    holder,
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    async reset() {
      server.calls.length = 0;
      server.configured.length = 0;
      server.failWith = undefined;
      await holder.swap(service);
    },
    close: () => listeners.close(),
  });
}
