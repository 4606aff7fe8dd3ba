import { z } from "zod";
import { invalidArgument } from "../errors.ts";
import { type PatternToken, parsePathPattern } from "../model/path-pattern.ts";

/** What happened to a document in one commit. */
export type Operation = "create" | "update" | "delete";

/** A Firestore-triggered function the Functions emulator registered, normalized. */
export interface Trigger {
  /** The key the Functions emulator serves it under (`/functions/projects/{p}/triggers/{key}`). */
  readonly key: string;
  readonly projectId: string;
  /** `event`: a 1st-gen background function (legacy JSON); `cloudevent`: 2nd gen (CloudEvent). */
  readonly signature: "event" | "cloudevent";
  /** The event type as registered (also the type the event carries). */
  readonly eventType: string;
  readonly operations: ReadonlySet<Operation>;
  readonly databaseId: string;
  /** The document path pattern, below the database's `documents` root. */
  readonly document: string;
  readonly pattern: readonly PatternToken[];
  /** 2nd-gen `...WithAuthContext` types carry `authtype`/`authid`. */
  readonly withAuthContext: boolean;
}

const V1_PREFIX = "providers/cloud.firestore/eventTypes/document.";
const V1_OPERATIONS: Record<string, Operation[]> = {
  create: ["create"],
  update: ["update"],
  delete: ["delete"],
  write: ["create", "update", "delete"],
};
const V2_PREFIX = "google.cloud.firestore.document.v1.";
const V2_OPERATIONS: Record<string, Operation[]> = {
  created: ["create"],
  updated: ["update"],
  deleted: ["delete"],
  written: ["create", "update", "delete"],
};

/** What firebase-tools PUTs for a 1st-gen function (`/emulator/v1/projects/{p}/triggers/{key}`). */
const v1Bundle = z.object({
  eventTrigger: z.object({
    eventType: z.string().startsWith(V1_PREFIX),
    // Older firebase-tools send `resource`, newer ones `eventFilters.resource`.
    resource: z.string().optional(),
    eventFilters: z.object({ resource: z.string() }).partial().optional(),
    service: z.string().optional(),
  }),
});

/** What firebase-tools POSTs for a 2nd-gen function (`/emulator/v1/projects/{p}/eventarcTrigger`). */
const v2Bundle = z.object({
  eventType: z.string().startsWith(V2_PREFIX),
  database: z.string().min(1),
  namespace: z.string().min(1),
  document: z.object({ value: z.string().min(1), matchType: z.enum(["EXACT", "PATH_PATTERN"]) }),
});

function fail(what: string, issues: z.core.$ZodIssue[]): never {
  throw invalidArgument(
    `Invalid ${what}: ${issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`,
  );
}

function patternOf(document: string): PatternToken[] {
  const trimmed = document.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") throw invalidArgument("A trigger needs a document path pattern.");
  try {
    return parsePathPattern(trimmed);
  } catch (error) {
    throw invalidArgument((error as Error).message);
  }
}

/** Validates and normalizes a 1st-gen registration. */
export function parseV1Trigger(projectId: string, key: string, body: unknown): Trigger {
  const parsed = v1Bundle.safeParse(body);
  if (!parsed.success) fail("Firestore trigger", parsed.error.issues);
  const { eventType, resource, eventFilters } = parsed.data.eventTrigger;
  const operations = V1_OPERATIONS[eventType.slice(V1_PREFIX.length)];
  if (!operations) throw invalidArgument(`Unsupported Firestore event type "${eventType}".`);
  const name = resource ?? eventFilters?.resource;
  const parts = name?.split("/") ?? [];
  if (parts[0] !== "projects" || parts[2] !== "databases" || parts[4] !== "documents" || parts.length < 6) {
    throw invalidArgument(`A Firestore trigger resource must name documents: "${name ?? ""}".`);
  }
  const document = parts.slice(5).join("/");
  return {
    key,
    projectId,
    signature: "event",
    eventType,
    operations: new Set(operations),
    databaseId: parts[3]!,
    document,
    pattern: patternOf(document),
    withAuthContext: false,
  };
}

/** Validates and normalizes a 2nd-gen registration. */
export function parseV2Trigger(projectId: string, key: string, body: unknown): Trigger {
  const parsed = v2Bundle.safeParse(body);
  if (!parsed.success) fail("Eventarc Firestore trigger", parsed.error.issues);
  const { eventType, database, namespace, document } = parsed.data;
  const suffix = eventType.slice(V2_PREFIX.length);
  const withAuthContext = suffix.endsWith(".withAuthContext");
  const operations = V2_OPERATIONS[withAuthContext ? suffix.slice(0, -".withAuthContext".length) : suffix];
  if (!operations) throw invalidArgument(`Unsupported Firestore event type "${eventType}".`);
  if (namespace !== "(default)") {
    throw invalidArgument(`Namespaces are a Datastore-mode feature; "${namespace}" cannot match documents.`);
  }
  const path = document.value.replace(/^\/+|\/+$/g, "");
  return {
    key,
    projectId,
    signature: "cloudevent",
    eventType,
    operations: new Set(operations),
    databaseId: database,
    document: path,
    // An EXACT document is matched literally, braces and all.
    pattern:
      document.matchType === "EXACT"
        ? path.split("/").map((text) => ({ kind: "literal", text }))
        : patternOf(path),
    withAuthContext,
  };
}

/** The registered triggers of every project, by key. */
export class TriggerRegistry {
  private readonly byProject = new Map<string, Map<string, Trigger>>();

  /** Adds or replaces a trigger (registering a key again updates it, as a reload does). */
  register(trigger: Trigger): void {
    let triggers = this.byProject.get(trigger.projectId);
    if (!triggers) {
      triggers = new Map();
      this.byProject.set(trigger.projectId, triggers);
    }
    triggers.set(trigger.key, trigger);
  }

  /** Removes one trigger; returns whether it existed. */
  unregister(projectId: string, key: string): boolean {
    return this.byProject.get(projectId)?.delete(key) ?? false;
  }

  /** Removes every trigger of a project. */
  clear(projectId: string): void {
    this.byProject.delete(projectId);
  }

  /** The triggers of a project. */
  list(projectId: string): Trigger[] {
    return [...(this.byProject.get(projectId)?.values() ?? [])];
  }
}
