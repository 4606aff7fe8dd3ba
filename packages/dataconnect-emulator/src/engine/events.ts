// Mutation events (spec §6): production delivers a CloudEvent per executed connector mutation to
// `onMutationExecuted` functions; no emulator does (firebase-tools #10814). We build the same event
// and hand it to sinks: callbacks in-process, or HTTP endpoints (`httpEventSink`).
import type { GraphqlError } from "../errors.ts";
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

/** Receives mutation events; a sink's failure is logged, never the mutation's. */
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

/** A sink that POSTs each event to `url` as `application/cloudevents+json`. */
export function httpEventSink(url: string): MutationEventSink {
  return async (event) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body: JSON.stringify(event),
    });
    if (!res.ok) throw new Error(`event sink ${url} answered ${res.status}`);
  };
}

/** Delivers `event` to every sink without waiting on or failing for any of them. */
export function deliver(
  sinks: readonly MutationEventSink[],
  event: MutationExecutedEvent,
  log: (message: string) => void,
): void {
  for (const sink of sinks) {
    Promise.resolve()
      .then(() => sink(event))
      .catch((error: unknown) =>
        log(
          `mutation event ${event.operation} not delivered: ${error instanceof Error ? error.message : error}`,
        ),
      );
  }
}
