import http from "node:http";
import type { AddressInfo } from "node:net";
import { onMutationExecuted } from "firebase-functions/dataconnect";
import { beforeAll, describe, expect, it } from "vitest";
import { EventDelivery } from "../../src/engine/event-delivery.ts";
import { httpEventSink, type MutationExecutedEvent } from "../../src/engine/events.ts";
import { anonymousCaller, type EngineFixture, engine, user } from "../support/engine.ts";

const SCHEMA = `type Note @table { owner: String! body: String! }`;
const OPS = `
mutation AddNote($body: String!) @auth(level: USER) { note_insert(data: {owner_expr: "auth.uid", body: $body}) }
query Notes @auth(level: PUBLIC) { notes { body } }`;

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("mutation events", () => {
  const events: MutationExecutedEvent[] = [];
  let e: EngineFixture;

  beforeAll(async () => {
    e = await engine(SCHEMA, OPS, [], {
      projectId: "demo-events",
      mutationEventSinks: [(event) => void events.push(event)],
    });
  });

  it("emits one mutationExecuted CloudEvent per executed connector mutation, in production's shape", async () => {
    events.length = 0;
    const res = await e.mutate("AddNote", { body: "hello" }, user("alice"));
    await until(() => events.length === 1);
    expect(events).toEqual([
      {
        specversion: "1.0",
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        source:
          "//firebasedataconnect.googleapis.com/projects/demo-events/locations/us-central1/services/test",
        type: "google.firebase.dataconnect.connector.v1.mutationExecuted",
        time: expect.any(String),
        datacontenttype: "application/json",
        project: "demo-events",
        location: "us-central1",
        service: "test",
        schema: "main",
        connector: "default",
        operation: "AddNote",
        authtype: "app_user",
        authid: "alice",
        data: {
          "@type": "type.googleapis.com/google.events.firebase.dataconnect.v1.MutationEventData",
          payload: { variables: { body: "hello" }, data: res.data, errors: [] },
        },
      },
    ]);
  });

  it("emits nothing for queries or for mutations @auth refused", async () => {
    events.length = 0;
    await e.op("Notes", {}, anonymousCaller);
    await expect(e.mutate("AddNote", { body: "x" }, anonymousCaller)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([]);
  });

  it("drives an onMutationExecuted function from firebase-functions unchanged", async () => {
    const seen: unknown[] = [];
    const fn = onMutationExecuted(
      { service: "test", connector: "default", operation: "AddNote" },
      (event) => {
        seen.push({
          authType: event.authType,
          authId: event.authId,
          params: event.params,
          data: event.data.payload.data,
        });
      },
    );
    const withFunction = await engine(SCHEMA, OPS, [], {
      mutationEventSinks: [(event) => fn(event as never)],
    });
    const res = await withFunction.mutate("AddNote", { body: "to a function" }, user("bob"));
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ authType: "app_user", authId: "bob", params: {}, data: res.data }]);
  });

  it("POSTs events to HTTP sinks as application/cloudevents+json", async () => {
    const received: { type: string | undefined; body: MutationExecutedEvent }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({ type: req.headers["content-type"], body: JSON.parse(body) });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    const withHttp = await engine(SCHEMA, OPS, [], { mutationEventSinks: [httpEventSink(url)] });
    await withHttp.mutate("AddNote", { body: "over http" }, user("carol"));
    await until(() => received.length === 1);
    server.close();
    expect(received[0]).toMatchObject({
      type: "application/cloudevents+json",
      body: { operation: "AddNote", authid: "carol" },
    });
  });

  it("a failing sink never fails the mutation; its event is retried, then dropped and logged", async () => {
    const logs: string[] = [];
    let attempts = 0;
    const failing = await engine(SCHEMA, OPS, [], {
      mutationEvents: new EventDelivery(
        [
          () => {
            attempts++;
            return Promise.reject(new Error("sink down"));
          },
        ],
        { maxAttempts: 3, baseDelayMs: 5, log: (m) => logs.push(m) },
      ),
    });
    const res = await failing.mutate("AddNote", { body: "still saved" }, user("dan"));
    expect(res.errors).toBeUndefined();
    await until(() => logs.length === 1);
    expect(attempts).toBe(3);
    expect(logs[0]).toMatch(/mutation event AddNote \(.*\) dropped after 3 attempts: sink down/);
  });
});
