// Hostile bodies are refused early and cheaply, and never slow the service for anyone else.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { jsonNestsDeeperThan } from "../../src/limits/nesting.ts";
import { CONNECTOR, type RecordingServer, recordingServer, SERVICE } from "./support/recording.ts";

let server: RecordingServer;
beforeAll(async () => {
  server = await recordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe("nesting", () => {
  it("refuses a 1 MB deeply nested body with INVALID_ARGUMENT, without running anything", async () => {
    const depth = 500_000;
    const body = `{"operationName":"A","variables":{"v":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
    const res = await server.post(`${CONNECTOR}:executeQuery`, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 3,
      message: expect.stringContaining("nests deeper than 64"),
    });
    expect(server.calls).toEqual([]);
  });

  it("accepts nesting up to the limit", async () => {
    const v = `${"[".repeat(60)}${"]".repeat(60)}`;
    const res = await server.post(
      `${CONNECTOR}:executeQuery`,
      `{"operationName":"A","variables":{"v":${v}}}`,
    );
    expect(res.status).toBe(200);
  });

  it("does not count brackets inside strings", () => {
    const text = `{"q":"${"[".repeat(1000)}"}`;
    expect(jsonNestsDeeperThan(Buffer.from(text), 64)).toBe(false);
    expect(jsonNestsDeeperThan(Buffer.from(`{"q":"\\"${"{".repeat(100)}"}`), 64)).toBe(false);
  });
});

describe("bodies in flight", () => {
  it("answers 429 RESOURCE_EXHAUSTED when bodies being handled would exceed the shared budget, and serves the rest", async () => {
    const server = await recordingServer({ maxBufferedBodyBytes: 512 * 1024 });
    onTestFinished(() => server.close());
    // Hold one 400 KB request in the service, so its body stays counted…
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const original = server.holder.service!;
    await server.holder.swap({
      ...original,
      executeGraphql: async (request) => {
        await held;
        return original.executeGraphql(request);
      },
    });
    const big = JSON.stringify({ query: `{ a } # ${"x".repeat(400 * 1024)}` });
    const first = server.post(`${SERVICE}:executeGraphql`, big);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // …then a second one does not fit next to it.
    const second = await server.post(`${SERVICE}:executeGraphql`, big).catch((error: Error) => error);
    if (second instanceof Response) {
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ code: 8 });
    }
    release();
    expect((await first).status).toBe(200);
    // Once answered, its bytes are free again.
    expect((await server.post(`${SERVICE}:executeGraphql`, big)).status).toBe(200);
    expect(server.calls).toHaveLength(2); // the refused one never ran
  });
});
