// Registers the Functions emulator's Firestore triggers with our Firestore engine.
//
// Under firebase-tools, the Functions emulator registers each Firestore-triggered function with the
// Firestore emulator itself (PUT /emulator/v1/projects/{p}/triggers/{key} for 1st gen, POST
// .../eventarcTrigger?eventarcTriggerId={key} for 2nd gen), and the Firestore emulator POSTs events to
// /functions/projects/{p}/triggers/{key}. firebase-tools only does that for a Firestore emulator it
// started itself (EmulatorRegistry is in-process; ours runs beside it, as the official one needs Java),
// so it marks those functions "ignored" and registers nothing. The functions still run when invoked
// through that route, so this bridge sends the very registrations firebase-tools would have sent:
// the definitions come from the Functions emulator's GET /backends, the keys (`{id}-{generation}`)
// from its answer to an unknown trigger, which lists the valid ones. Our engine then delivers events
// exactly as the official emulator does (`--functions_emulator`).

const FIRESTORE_V1 = "providers/cloud.firestore/";
const FIRESTORE_V2 = "google.cloud.firestore.document.v1.";
const PROBE = "__rookery_trigger_keys__";

/** A function definition as the Functions emulator's /backends lists it (the fields used here). */
interface FunctionDefinition {
  id: string;
  platform?: string;
  eventTrigger?: {
    eventType: string;
    channel?: string;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
    [key: string]: unknown;
  };
}

/** One registration, exactly as firebase-tools' Functions emulator would send it. */
export interface TriggerRegistration {
  key: string;
  method: "PUT" | "POST";
  path: string;
  body: unknown;
}

/** Whether a definition is triggered by Firestore document events. */
export function isFirestoreTrigger(def: FunctionDefinition): boolean {
  const type = def.eventTrigger?.eventType ?? "";
  return type.startsWith(FIRESTORE_V1) || type.startsWith(FIRESTORE_V2);
}

/**
 * The key the Functions emulator serves a definition under: `{id}-{generation}` (plus `-{channel}`),
 * the highest generation among the valid keys it reported.
 */
export function keyFor(def: FunctionDefinition, validKeys: readonly string[]): string | undefined {
  const suffix = def.eventTrigger?.channel ? `-${def.eventTrigger.channel}` : "";
  let best: { key: string; generation: number } | undefined;
  for (const key of validKeys) {
    if (!key.startsWith(`${def.id}-`) || !key.endsWith(suffix)) continue;
    const generation = key.slice(def.id.length + 1, key.length - suffix.length);
    if (!/^\d+$/.test(generation)) continue;
    if (!best || Number(generation) > best.generation) best = { key, generation: Number(generation) };
  }
  return best?.key;
}

/** The registration firebase-tools sends for a definition (its getV1/getV2FirestoreAttributes). */
export function registrationFor(
  projectId: string,
  key: string,
  def: FunctionDefinition,
): TriggerRegistration {
  const trigger = def.eventTrigger!;
  const project = encodeURIComponent(projectId);
  if (def.platform !== "gcfv2") {
    return {
      key,
      method: "PUT",
      path: `/emulator/v1/projects/${project}/triggers/${encodeURIComponent(key)}`,
      body: { eventTrigger: { ...trigger, service: "firestore.googleapis.com" } },
    };
  }
  const exact = trigger.eventFilters?.document;
  const pattern = trigger.eventFilterPathPatterns?.document;
  return {
    key,
    method: "POST",
    path: `/emulator/v1/projects/${project}/eventarcTrigger?eventarcTriggerId=${encodeURIComponent(key)}`,
    body: {
      eventType: trigger.eventType,
      database: trigger.eventFilters?.database,
      namespace: trigger.eventFilters?.namespace,
      document: pattern
        ? { value: pattern, matchType: "PATH_PATTERN" }
        : { value: exact, matchType: "EXACT" },
    },
  };
}

/** The trigger keys the Functions emulator lists when asked for one it does not have. */
export function parseValidKeys(notFoundText: string): string[] {
  const list = /valid functions are:(.*)$/s.exec(notFoundText)?.[1] ?? "";
  return list
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
}

/**
 * Reads the Functions emulator's Firestore triggers and registers them with the Firestore engine
 * (replacing what an earlier sync registered). Returns the registered keys.
 */
export async function syncFirestoreTriggers(options: {
  functionsHost: string;
  firestoreHost: string;
  projectId: string;
}): Promise<string[]> {
  const { functionsHost, firestoreHost, projectId } = options;
  const backends = (await (await request(`http://${functionsHost}/backends`)).json()) as {
    backends: { functionTriggers: FunctionDefinition[] }[];
  };
  const definitions = backends.backends.flatMap((b) => b.functionTriggers).filter(isFirestoreTrigger);
  const probe = await request(`http://${functionsHost}/functions/projects/${projectId}/triggers/${PROBE}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const validKeys = parseValidKeys(await probe.text());
  const registrations = definitions.flatMap((def) => {
    const key = keyFor(def, validKeys);
    return key ? [registrationFor(projectId, key, def)] : [];
  });
  for (const r of registrations) {
    const res = await request(`http://${firestoreHost}${r.path}`, {
      method: r.method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(r.body),
    });
    if (!res.ok) throw new Error(`registering Firestore trigger ${r.key} failed: ${await res.text()}`);
  }
  // Keys an earlier sync registered that the Functions emulator no longer serves (a reload).
  const keys = new Set(registrations.map((r) => r.key));
  const triggersUrl = `http://${firestoreHost}/emulator/v1/projects/${encodeURIComponent(projectId)}/triggers`;
  const registered = (await (await request(triggersUrl)).json()) as { triggers: { key: string }[] };
  for (const { key } of registered.triggers) {
    if (!keys.has(key)) await request(`${triggersUrl}/${encodeURIComponent(key)}`, { method: "DELETE" });
  }
  return [...keys];
}
