import { randomUUID } from "node:crypto";
import protobuf from "protobufjs";
import { type Micros, timestampFromMicros } from "../model/codec.ts";
import { encodeDocument, type StoredDocument } from "../model/document.ts";
import { formatFieldPath } from "../model/field-path.ts";
import { matchPathPattern } from "../model/path-pattern.ts";
import { type Fields, valuesIdentical } from "../model/values.ts";
import { formatTimestamp, messageToJson } from "../proto/json.ts";
import { firestoreProtos, protoType } from "../proto/load.ts";
import type { Caller } from "../security/caller.ts";
import type { Operation, Trigger } from "./registry.ts";

/**
 * Who made a change, in the terms Firestore's change events use (`authtype`/`authid`): a signed-in
 * app user (an ID token's uid), a service account (the Admin SDK's `Bearer owner`, or a token that is
 * not a Firebase ID token), or nobody.
 */
export interface Principal {
  readonly authType: "app_user" | "service_account" | "unauthenticated";
  readonly authId?: string;
}

/**
 * The principal of a request's caller (the same caller security rules judge). Inferred: production's
 * other types (`api_key`, `system`, `unknown`) never occur in the emulator.
 */
export function principalOf(caller: Caller): Principal {
  if (caller.kind === "admin") return { authType: "service_account" };
  if (!caller.auth) return { authType: "unauthenticated" };
  const uid = caller.auth.user_id ?? caller.auth.sub;
  // Firebase ID tokens carry a `firebase` claim; any other JWT is some service's credential.
  if (caller.auth.firebase !== undefined && typeof uid === "string")
    return { authType: "app_user", authId: uid };
  return { authType: "service_account" };
}

/** One document's change in a commit, as triggers see it. */
export interface DocumentChangeEvent {
  readonly projectId: string;
  readonly databaseId: string;
  /** Path below the `documents` root. */
  readonly path: string;
  readonly before: StoredDocument | null;
  readonly after: StoredDocument | null;
  readonly commitTime: Micros;
  /** Who wrote it (`authtype`/`authid` of 2nd-gen `...WithAuthContext` events). */
  readonly principal: Principal;
}

/** An HTTP request to the Functions emulator that delivers one event to one function. */
export interface Delivery {
  readonly trigger: Trigger;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What a change did: create, update or delete (undefined when nothing changed). */
export function operationOf(
  before: StoredDocument | null,
  after: StoredDocument | null,
): Operation | undefined {
  if (!before && after) return "create";
  if (before && !after) return "delete";
  if (before && after && before !== after) return "update";
  return undefined;
}

/** Whether a change fires a trigger. */
export function fires(trigger: Trigger, change: DocumentChangeEvent): boolean {
  const operation = operationOf(change.before, change.after);
  return (
    operation !== undefined &&
    trigger.operations.has(operation) &&
    trigger.projectId === change.projectId &&
    trigger.databaseId === change.databaseId &&
    matchPathPattern(trigger.pattern, change.path.split("/")) !== undefined
  );
}

/**
 * The field paths an update changed, as `DocumentEventData.update_mask` lists them: maps present on
 * both sides are compared field by field, anything else as a whole.
 */
export function changedFieldPaths(before: Fields, after: Fields, prefix: string[] = []): string[] {
  const out: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    const path = [...prefix, key];
    if (a?.kind === "map" && b?.kind === "map") out.push(...changedFieldPaths(a.fields, b.fields, path));
    else if (!a || !b || !valuesIdentical(a, b)) out.push(formatFieldPath(path));
  }
  return out.sort();
}

function updateMask(change: DocumentChangeEvent): string[] {
  return change.before && change.after ? changedFieldPaths(change.before.fields, change.after.fields) : [];
}

/**
 * A 1st-gen (legacy background) event: JSON with `data.{value, oldValue, updateMask}` in Firestore's
 * REST encoding and a `context` whose `resource` is `{name, service}`, the shape the Firestore emulator
 * posts (the Functions emulator flattens `resource` to the name, as production sends it).
 */
export function legacyDelivery(trigger: Trigger, change: DocumentChangeEvent): Delivery {
  const documentType = protoType("google.firestore.v1.Document");
  const json = (doc: StoredDocument) => messageToJson(documentType, encodeDocument(doc) as never);
  const mask = updateMask(change);
  const name = `projects/${change.projectId}/databases/${change.databaseId}/documents/${change.path}`;
  const body = {
    data: {
      ...(change.after ? { value: json(change.after) } : {}),
      ...(change.before ? { oldValue: json(change.before) } : {}),
      updateMask: mask.length > 0 ? { fieldPaths: mask } : {},
    },
    context: {
      eventId: randomUUID(),
      timestamp: formatTimestamp(timestampFromMicros(change.commitTime)),
      eventType: trigger.eventType,
      resource: { name, service: "firestore.googleapis.com" },
    },
  };
  return { trigger, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

let eventDataType: protobuf.Type | undefined;

/** `google.events.cloud.firestore.v1.DocumentEventData`: the same Document messages, numbered 1–3. */
function documentEventData(): protobuf.Type {
  if (eventDataType) return eventDataType;
  const root = firestoreProtos();
  const type = new protobuf.Type("DocumentEventData")
    .add(new protobuf.Field("value", 1, "google.firestore.v1.Document"))
    .add(new protobuf.Field("oldValue", 2, "google.firestore.v1.Document"))
    .add(new protobuf.Field("updateMask", 3, "google.firestore.v1.DocumentMask"));
  root.define("google.events.cloud.firestore.v1").add(type);
  type.resolveAll();
  eventDataType = type;
  return type;
}

/** The `authtype` values of Firestore events, from the writer's principal. */
const AUTH_TYPE: Record<Principal["authType"], string> = {
  app_user: "app_user",
  service_account: "service_account",
  unauthenticated: "unauthenticated",
};

/**
 * A 2nd-gen event: a binary-mode CloudEvent (attributes as `ce-*` headers) whose data is the
 * protobuf `DocumentEventData`, base64-encoded as the Firestore emulator sends it (the Functions
 * emulator decodes `application/protobuf` bodies from base64, as Eventarc does).
 */
export function cloudEventDelivery(trigger: Trigger, change: DocumentChangeEvent): Delivery {
  const type = documentEventData();
  const mask = updateMask(change);
  const data = type
    .encode(
      type.fromObject({
        ...(change.after ? { value: encodeDocument(change.after) } : {}),
        ...(change.before ? { oldValue: encodeDocument(change.before) } : {}),
        ...(mask.length > 0 ? { updateMask: { fieldPaths: mask } } : {}),
      }),
    )
    .finish();
  const headers: Record<string, string> = {
    "content-type": "application/protobuf",
    "ce-specversion": "1.0",
    "ce-id": randomUUID(),
    "ce-source": `//firestore.googleapis.com/projects/${change.projectId}/databases/${change.databaseId}`,
    "ce-type": trigger.eventType,
    "ce-subject": `documents/${change.path}`,
    "ce-time": formatTimestamp(timestampFromMicros(change.commitTime)),
    "ce-datacontenttype": "application/protobuf",
    "ce-dataschema":
      "https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/firestore/v1/data.proto",
    "ce-location": "us-central1",
    "ce-project": change.projectId,
    "ce-database": change.databaseId,
    "ce-namespace": "(default)",
    "ce-document": change.path,
  };
  if (trigger.withAuthContext) {
    headers["ce-authtype"] = AUTH_TYPE[change.principal.authType];
    if (change.principal.authId) headers["ce-authid"] = change.principal.authId;
  }
  return { trigger, headers, body: Buffer.from(data).toString("base64") };
}

/** The delivery of a change to a trigger it fires, in the trigger's generation's format. */
export function deliveryFor(trigger: Trigger, change: DocumentChangeEvent): Delivery {
  return trigger.signature === "event"
    ? legacyDelivery(trigger, change)
    : cloudEventDelivery(trigger, change);
}
