// Past the bounded queue for a database session, a request gets 429 RESOURCE_EXHAUSTED at once: the
// service neither crashes nor queues without bound (issue #18).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningEmulator, startDataConnectEmulator } from "../../src/index.ts";
import { createDatabase } from "../support/postgres-server.ts";
import { notesConfig, type TempDir, tempDir } from "./support/config-dir.ts";
import { serviceUrl } from "./support/emulator.ts";

let config: TempDir;
let emulator: RunningEmulator;

beforeAll(async () => {
  config = await tempDir(notesConfig());
  emulator = await startDataConnectEmulator({
    configDir: config.dir,
    standaloneAfterMs: Number.POSITIVE_INFINITY,
    sessionLimits: { maxWaiting: 1 },
  });
  // One connection: the first request holds it, one more may wait, the third is refused.
  await emulator.configure({
    connectionString: await createDatabase(inject("postgresUrl"), "backpressure"),
    maxOpenConnections: 1,
  });
});
afterAll(async () => {
  await emulator?.stop();
  await config?.remove();
});

const graphql = (query: string) =>
  fetch(serviceUrl(emulator.url, "executeGraphql"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });

describe("back-pressure over HTTP", () => {
  it("answers 429 RESOURCE_EXHAUSTED past the queue, and serves the queued request after the busy one", async () => {
    const busy = graphql(`query { _select(sql: "SELECT pg_sleep(1)") }`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const queued = graphql("query { notes { text } }");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await graphql("query { notes { text } }");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      code: 8,
      message: expect.stringContaining("the database is overloaded"),
    });
    expect((await busy).status).toBe(200);
    expect(await (await queued).json()).toEqual({ data: { notes: [] }, errors: [] });
  });
});
