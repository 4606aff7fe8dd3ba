// Starting the real emulator (library API, real core) over a shared PGlite, for the integration suites.
import type { Database } from "../../../src/db/database.ts";
import { openPglite } from "../../../src/db/pglite.ts";
import { type RunningEmulator, type StartOptions, startDataConnectEmulator } from "../../../src/index.ts";

/** Opens the in-memory PGlite a test file shares (3–5 s, so once per file). */
export function openSharedDatabase(): Promise<Database> {
  return openPglite();
}

/** Drops every table and type, so the next emulator migrates from scratch. */
export async function resetDatabase(db: Database): Promise<void> {
  await db.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
}

/** Starts the emulator on `configDir` over `database` (which stays open after `stop`). */
export function startEmulator(
  configDir: string,
  database: Database,
  options: Partial<StartOptions> = {},
): Promise<RunningEmulator> {
  return startDataConnectEmulator({ configDir, database, ...options });
}

/** POSTs JSON to the emulator and returns the status and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The URL of a connector verb of service `serviceId` on the emulator at `base`. */
export function connectorUrl(base: string, verb: string, serviceId = "svc", connector = "main"): string {
  return `${base}/v1/projects/demo-test/locations/us-central1/services/${serviceId}/connectors/${connector}:${verb}`;
}

/** The URL of a service verb (`executeGraphql`, `executeGraphqlRead`). */
export function serviceUrl(base: string, verb: string, serviceId = "svc"): string {
  return `${base}/v1/projects/demo-test/locations/us-central1/services/${serviceId}:${verb}`;
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
