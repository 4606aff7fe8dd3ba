// Standard introspection on the admin endpoints (VS Code's explorer, GraphQL tools, codegen), answered as
// graphql-js answers it over the generated schema; connector operations keep production's behaviour.
import { getIntrospectionQuery, graphqlSync } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigDir } from "../../src/config/load.ts";
import type { Database } from "../../src/db/database.ts";
import { compileProject } from "../../src/engine/project.ts";
import type { RunningEmulator } from "../../src/index.ts";
import { dataconnectYaml, NOTES_SCHEMA, type TempDir, tempDir } from "./support/config-dir.ts";
import { connectorUrl, openSharedDatabase, postJson, serviceUrl, startEmulator } from "./support/emulator.ts";

let db: Database;
let config: TempDir;
let emulator: RunningEmulator;

const CONNECTOR = `query Typed @auth(level: PUBLIC) { notes { __typename text } }
query Introspects @auth(level: PUBLIC) { __schema { queryType { name } } }
`;

beforeAll(async () => {
  db = await openSharedDatabase();
  config = await tempDir({
    "dataconnect.yaml": dataconnectYaml("svc"),
    "schema/schema.gql": NOTES_SCHEMA,
    "connector/connector.yaml": 'connectorId: "main"\n',
    "connector/queries.gql": CONNECTOR,
  });
  emulator = await startEmulator(config.dir, db);
  await db.query("INSERT INTO note (owner, text) VALUES ('alice', 'hello')");
});
afterAll(async () => {
  await emulator.stop();
  await db.close();
  await config.remove();
});

/** The schema the emulator serves, compiled here from the same directory. */
async function servedSchema() {
  const loaded = await loadConfigDir(config.dir);
  if (!loaded.ok) throw new Error("config did not load");
  const compiled = compileProject(loaded.config.sources);
  if (!compiled.ok) throw new Error("config did not compile");
  return compiled.project.schema;
}

const ADMIN = { "x-mantle-admin": "all" };

describe("introspection on executeGraphql(Read)", () => {
  it("answers VS Code's IntrospectionQuery exactly as graphql-js does over the generated schema", async () => {
    const expected = graphqlSync({ schema: await servedSchema(), source: getIntrospectionQuery() });
    const res = await postJson(
      serviceUrl(emulator.url, "executeGraphqlRead"),
      { query: getIntrospectionQuery(), operationName: "IntrospectionQuery", variables: {}, extensions: {} },
      ADMIN,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: JSON.parse(JSON.stringify(expected.data)), errors: [] });
  });

  it("answers __type with arguments and aliases next to data fields and __typename", async () => {
    const res = await postJson(serviceUrl(emulator.url, "executeGraphql"), {
      query: `query($name: String!) { t: __type(name: $name) { name kind fields { name } } notes { text } __typename }`,
      variables: { name: "Note" },
    });
    const t = (res.body.data as { t: { name: string; kind: string; fields: { name: string }[] } }).t;
    expect(t.name).toBe("Note");
    expect(t.kind).toBe("OBJECT");
    expect(t.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["owner", "text", "id"]));
    expect(res.body.data).toMatchObject({ notes: [{ text: "hello" }], __typename: "Query" });
  });

  it("answers null for a type the schema does not have", async () => {
    const res = await postJson(serviceUrl(emulator.url, "executeGraphqlRead"), {
      query: `{ __type(name: "Nope") { name } }`,
    });
    expect(res.body).toEqual({ data: { __type: null }, errors: [] });
  });
});

describe("connector operations", () => {
  it("answer __typename inside selections", async () => {
    const res = await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "Typed" });
    expect(res.body).toEqual({ data: { notes: [{ __typename: "Note", text: "hello" }] } });
  });

  it("do not answer __schema (introspection is an admin tool)", async () => {
    const res = await postJson(connectorUrl(emulator.url, "executeQuery"), { operationName: "Introspects" });
    expect(res.body).toMatchObject({
      data: { __schema: null },
      errors: [{ message: "Query has no field __schema", extensions: { code: "INVALID_ARGUMENT" } }],
    });
  });
});
