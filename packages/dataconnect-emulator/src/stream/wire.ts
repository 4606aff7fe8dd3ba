// The web SDK's stream protocol (`@firebase/data-connect` 0.7.x `network/stream/*`, spec §1.10): JSON text
// frames. Client → server: `{requestId, name?, headers?, dataEtag?}` plus exactly one verb (`execute`,
// `subscribe`, `resume`, `cancel`). Server → client, as the emulator must: `{"result": {requestId, data,
// errors, extensions}}` (production sends the unwrapped object in binary frames).
import { z } from "zod";
import type { GraphqlResponse } from "../engine/types.ts";
import type { GrpcStatus } from "../errors.ts";

const operation = z.object({
  operationName: z.string().min(1, "must name the operation"),
  variables: z.record(z.string(), z.unknown()).nullish(),
});

const empty = z.object({}).loose();

const message = z
  .object({
    requestId: z.string().min(1).max(64),
    name: z.string().max(1024).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    dataEtag: z.string().optional(),
    execute: operation.optional(),
    subscribe: operation.optional(),
    resume: empty.optional(),
    cancel: empty.optional(),
  })
  .loose();

/** One verb of a client message. */
export type StreamVerb =
  | { verb: "execute" | "subscribe"; operationName: string; variables: Record<string, unknown> }
  | { verb: "resume" | "cancel" };

/** A valid client message. */
export interface StreamRequest {
  requestId: string;
  /** `projects/{p}/locations/{l}/services/{s}/connectors/{c}`: sent on the first message of a stream. */
  name?: string;
  /** Lower-cased header names; the ID token rides in `x-firebase-auth-token`. */
  headers: Record<string, string>;
  action: StreamVerb;
}

/** Why a client message was refused; `requestId` when it had a usable one (then the refusal is answered). */
export interface StreamMessageError {
  requestId?: string;
  message: string;
}

const VERBS = ["execute", "subscribe", "resume", "cancel"] as const;

/** Validates one parsed client message. */
export function parseStreamRequest(
  value: unknown,
): { ok: true; request: StreamRequest } | { ok: false; error: StreamMessageError } {
  const requestId =
    value && typeof value === "object" && typeof (value as { requestId?: unknown }).requestId === "string"
      ? ((value as { requestId: string }).requestId as string)
      : undefined;
  const parsed = message.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`);
    return {
      ok: false,
      error: { ...(requestId && requestId.length <= 64 ? { requestId } : {}), message: issues.join("; ") },
    };
  }
  const m = parsed.data;
  const given = VERBS.filter((verb) => m[verb] !== undefined);
  if (given.length !== 1) {
    return {
      ok: false,
      error: {
        requestId: m.requestId,
        message: `a message carries exactly one of ${VERBS.join(", ")} (got ${given.length ? given.join(", ") : "none"})`,
      },
    };
  }
  const verb = given[0]!;
  const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const action: StreamVerb =
    verb === "execute" || verb === "subscribe"
      ? { verb, operationName: m[verb]!.operationName, variables: m[verb]!.variables ?? {} }
      : { verb };
  return {
    ok: true,
    request: { requestId: m.requestId, ...(m.name ? { name: m.name } : {}), headers, action },
  };
}

/** The frame carrying one response to `requestId`; `cancelled` marks the last one of a subscription. */
export function resultFrame(requestId: string, response: GraphqlResponse, cancelled = false): string {
  return JSON.stringify({ result: { requestId, ...response, ...(cancelled ? { cancelled: true } : {}) } });
}

/** A request-level failure as a response: no data, one error with the gRPC status name as its code. */
export function errorResponse(status: GrpcStatus, message: string): GraphqlResponse {
  return { data: null, errors: [{ message, extensions: { code: status } }] };
}

const CONNECTOR_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)\/connectors\/([^/]+)$/;

/** The service and connector a `name` names, or undefined when it is not a connector resource name. */
export function parseConnectorName(name: string): { serviceId: string; connectorId: string } | undefined {
  const m = CONNECTOR_NAME.exec(name);
  return m ? { serviceId: decodeURIComponent(m[3]!), connectorId: decodeURIComponent(m[4]!) } : undefined;
}

// 0.7.4: `/ws/…ConnectorStreamService.Connect/{project}/locations/{location}/services/{service}`;
// 0.6.0–0.7.3: `/ws/…ConnectorStreamService/Connect/locations/{location}`.
const STREAM_PATH =
  /^\/ws\/google\.firebase\.dataconnect\.(?:v1|v1beta)\.ConnectorStreamService(?:\.Connect|\/Connect)(?:\/(.*))?$/;

/** Whether `pathname` is the stream endpoint; `serviceId` when the path names one. */
export function parseStreamPath(pathname: string): { serviceId?: string } | undefined {
  const m = STREAM_PATH.exec(pathname);
  if (!m) return undefined;
  const service = /(?:^|\/)services\/([^/]+)/.exec(m[1] ?? "");
  return service ? { serviceId: decodeURIComponent(service[1]!) } : {};
}
