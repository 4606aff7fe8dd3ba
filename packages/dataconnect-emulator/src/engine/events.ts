// Mutation events (spec §6): production delivers a CloudEvent per executed connector mutation to
// `onMutationExecuted` functions; no emulator does (firebase-tools #10814). We build the same event
// and hand it to sinks: callbacks in-process, or HTTP endpoints (`httpEventSink`).
import type { GraphqlError } from "../errors.ts";
import { PermanentDeliveryError } from "./event-delivery.ts";
import type { Caller } from "./types.ts";

/** A `google.firebase.dataconnect.connector.v1.mutationExecuted` CloudEvent, structured mode. */
export interface MutationExecutedEvent {
  specversion: "1.0";
  id: string;
  source: string;
  type: "google.firebase.dataconnect.connector.v1.mutationExecuted";
  time: string;
  datacontenttype: "application/json";
  project: string;
  location: string;
  service: string;
  schema: string;
  connector: string;
  operation: string;
  authtype: "app_user" | "admin" | "unauthenticated";
  authid: string;
  data: {
    "@type": "type.googleapis.com/google.events.firebase.dataconnect.v1.MutationEventData";
    payload: { variables: Record<string, unknown>; data: unknown; errors: GraphqlError[] };
  };
}

/** Receives mutation events; a sink that throws is retried with backoff (see EventDelivery), never failing the mutation. */
export type MutationEventSink = (event: MutationExecutedEvent) => void | Promise<void>;

/** The event for one executed connector mutation. */
export function mutationExecutedEvent(init: {
  project: string;
  location: string;
  service: string;
  connector: string;
  operation: string;
  caller: Caller;
  variables: Record<string, unknown>;
  data: unknown;
  errors: GraphqlError[];
  time?: Date;
}): MutationExecutedEvent {
  const { caller } = init;
  const auth = caller.kind === "user" ? caller.auth : null;
  return {
    specversion: "1.0",
    id: crypto.randomUUID(),
    source: `//firebasedataconnect.googleapis.com/projects/${init.project}/locations/${init.location}/services/${init.service}`,
    type: "google.firebase.dataconnect.connector.v1.mutationExecuted",
    time: (init.time ?? new Date()).toISOString(),
    datacontenttype: "application/json",
    project: init.project,
    location: init.location,
    service: init.service,
    schema: "main",
    connector: init.connector,
    operation: init.operation,
    authtype: caller.kind === "admin" ? "admin" : auth ? "app_user" : "unauthenticated",
    authid: auth?.uid ?? "",
    data: {
      "@type": "type.googleapis.com/google.events.firebase.dataconnect.v1.MutationEventData",
      payload: { variables: init.variables, data: init.data, errors: init.errors },
    },
  };
}

/** How long one HTTP delivery may take before it counts as failed (and is retried). */
const HTTP_SINK_TIMEOUT_MS = 30_000;

/**
 * A sink that POSTs each event to `url` as `application/cloudevents+json`. Network errors, timeouts, 5xx,
 * 408 and 429 are worth retrying; any other refusal (4xx) is permanent.
 */
export function httpEventSink(url: string): MutationEventSink {
  return async (event) => {
    let body: string;
    try {
      body = JSON.stringify(event);
    } catch (error) {
      throw new PermanentDeliveryError(`the event cannot be serialized: ${(error as Error).message}`);
    }
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body,
      signal: AbortSignal.timeout(HTTP_SINK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.ok) return;
    const message = `event sink ${url} answered ${res.status}`;
    if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(message);
    throw new PermanentDeliveryError(message);
  };
}
