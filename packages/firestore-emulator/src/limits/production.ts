/**
 * Production Firestore's limits and the exact errors it answers with, in one place. Each message
 * names where it was seen; "[I]" marks a message inferred from a sibling message because no
 * production sample was found (see the package README, "Limits").
 */
import { Code, FirestoreError, invalidArgument } from "../errors.ts";

/** Maximum size of a document, by the storage-size rules (firebase.google.com/docs/firestore/quotas). */
export const MAX_DOCUMENT_BYTES = 1_048_576;
/** Maximum size of one field value: 1 MiB - 89 bytes (quotas page). */
export const MAX_FIELD_VALUE_BYTES = 1_048_487;
/** Maximum depth of maps and arrays below a top-level field (quotas page; counted as the Admin SDK does). */
export const MAX_NESTING_DEPTH = 20;
/** Maximum UTF-8 size of a field name or a document/collection id (quotas page; document.proto). */
export const MAX_NAME_BYTES = 1500;
/** Maximum number of index entries of one document (quotas page). */
export const MAX_INDEX_ENTRIES = 40_000;
/** Maximum API request size (quotas page). */
export const MAX_REQUEST_BYTES = 10_485_760;
/** A transaction may stay idle this long (quotas page: "60-second idle expiration time"). */
export const TRANSACTION_IDLE_MS = 60_000;
/** A transaction may live this long in all (quotas page: "Transaction time limit 270 seconds"). */
export const TRANSACTION_MAX_MS = 270_000;

/**
 * Seen in production (github.com/divriots/story-to-design/issues/41,
 * github.com/SESAC-AIoT/smart-farm/issues/2): INVALID_ARGUMENT with the full name and both sizes
 * formatted with thousands separators.
 */
export function documentTooLarge(name: string, size: number): FirestoreError {
  return invalidArgument(
    `Document '${name}' cannot be written because its size (${size.toLocaleString("en-US")} bytes) exceeds the maximum allowed size of 1,048,576 bytes.`,
  );
}

/**
 * Seen in production (github.com/excalidraw/excalidraw/issues/4839; the same wording Google's
 * Datastore troubleshooting page lists): INVALID_ARGUMENT naming the property.
 */
export function fieldValueTooLarge(property: string): FirestoreError {
  return invalidArgument(`The value of property "${property}" is longer than 1048487 bytes.`);
}

/**
 * Seen in production for maps/arrays nested deeper than 20 levels and for an array directly inside
 * an array (github.com/thepirat000/Audit.NET/pull/762, github.com/codeforbtv/green-up-app-old/issues/116
 * and several public code comments quoting `Property array contains an invalid nested entity`).
 * The property is the top-level field.
 */
export function invalidNestedEntity(topLevelField: string): FirestoreError {
  return invalidArgument(`Property ${topLevelField} contains an invalid nested entity.`);
}

/**
 * Seen in production (github.com/google/adk-python/pull/5549 and a public acceptance report quoting
 * `400 field name '__once__' is reserved.`).
 */
export function reservedFieldName(name: string): FirestoreError {
  return invalidArgument(`field name '${name}' is reserved.`);
}

/** [I] Modelled on production's "The key path element name is longer than 1500 bytes.". */
export function fieldNameTooLong(): FirestoreError {
  return invalidArgument("The property name is longer than 1500 bytes.");
}

/**
 * Seen in production for document and collection ids over 1,500 bytes
 * (github.com/blinkk/rootjs/issues/1255, github.com/oboapp/oboapp/issues/554).
 */
export function keyPathElementTooLong(): FirestoreError {
  return invalidArgument("The key path element name is longer than 1500 bytes.");
}

/** [I] Production's proto parser refuses strings that are not UTF-8; its wording was not found. */
export function invalidUtf8(what: string): FirestoreError {
  return invalidArgument(`${what} is not valid UTF-8.`);
}

/**
 * Seen in production through the REST API, status FAILED_PRECONDITION
 * (github.com/divriots/story-to-design/issues/183).
 */
export function tooManyIndexEntries(): FirestoreError {
  return new FirestoreError(Code.FAILED_PRECONDITION, "too many index entries for entity");
}

/**
 * Seen in production when a commit's documents (deleted ones included) add up to more than the
 * 10 MiB a transaction may touch (github.com/firebase/firebase-tools/issues/1036 and /3992).
 */
export function transactionTooBig(): FirestoreError {
  return invalidArgument("Transaction too big. Decrease transaction size.");
}

/**
 * Google's API front end's answer to a request over 10 MiB
 * (github.com/Johannes-Berggren/firestore-to-bigquery-export/issues/3): HTTP 400 INVALID_ARGUMENT.
 */
export function requestTooLarge(): FirestoreError {
  return invalidArgument("Request payload size exceeds the limit: 10485760 bytes.");
}
