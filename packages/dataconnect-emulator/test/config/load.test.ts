import { afterEach, describe, expect, it } from "vitest";
import { loadConfigDir } from "../../src/config/load.ts";
import { dataconnectYaml, type TempDir, tempDir } from "../protocol/support/config-dir.ts";

let temp: TempDir | undefined;
afterEach(() => temp?.remove());

async function load(files: Record<string, string>) {
  temp = await tempDir(files);
  return loadConfigDir(temp.dir);
}

const BASE = {
  "dataconnect.yaml": dataconnectYaml("movies", ["./connector"]),
  "schema/schema.gql": "type A @table { x: Int }",
  "connector/connector.yaml":
    'connectorId: "default"\ngenerate:\n  javascriptSdk:\n    outputDir: ../web/gen\n',
  "connector/b.graphql": "query B @auth(level: PUBLIC) { as { x } }",
  "connector/sub/a.gql": "query A @auth(level: PUBLIC) { as { x } }",
};

describe("loadConfigDir", () => {
  it("collects the service, schema files, connectors and their settings", async () => {
    const result = await load(BASE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.sources).toEqual({
      serviceId: "movies",
      pgSchema: "public",
      schemaFiles: [{ path: "schema/schema.gql", text: "type A @table { x: Int }" }],
      connectors: [
        {
          id: "default",
          files: [
            { path: "connector/b.graphql", text: "query B @auth(level: PUBLIC) { as { x } }" },
            { path: "connector/sub/a.gql", text: "query A @auth(level: PUBLIC) { as { x } }" },
          ],
          clientCache: false,
        },
      ],
      sqlFiles: [],
    });
    expect(result.config.database).toBe("fdcdb");
    expect(result.config.connectors[0]).toMatchObject({
      id: "default",
      generate: { javascriptSdk: { outputDir: "../web/gen" } },
    });
  });

  it("turns realtime on for a connector when any of its SDKs sets clientCache (firebase-tools' rule)", async () => {
    const withCache = (generate: string) =>
      load({ ...BASE, "connector/connector.yaml": `connectorId: "default"\ngenerate:\n${generate}` }).then(
        (r) => (r.ok ? r.config.sources.connectors[0]?.clientCache : undefined),
      );
    expect(
      await withCache("  javascriptSdk:\n    outputDir: gen\n    clientCache:\n      maxAge: 5s\n"),
    ).toBe(true);
    expect(await withCache("  kotlinSdk:\n    outputDir: gen\n    package: a.b\n    clientCache: {}\n")).toBe(
      true,
    );
    expect(await withCache("  javascriptSdk:\n    outputDir: gen\n    clientCache:\n")).toBe(false);
  });

  it("reads sql/*.sql in file-name order", async () => {
    const result = await load({
      ...BASE,
      "sql/20_b.sql": "select 2;",
      "sql/10_a.sql": "select 1;",
      "sql/notes.txt": "x",
    });
    expect(result.ok && result.config.sources.sqlFiles.map((f) => f.path)).toEqual([
      "sql/10_a.sql",
      "sql/20_b.sql",
    ]);
  });

  it("skips hidden paths such as the generated .dataconnect output", async () => {
    const result = await load({
      ...BASE,
      "schema/.dataconnect/x.gql": "garbage",
      "schema/.#schema.gql": "garbage",
    });
    expect(result.ok && result.config.sources.schemaFiles.map((f) => f.path)).toEqual(["schema/schema.gql"]);
  });

  it("takes the main schema of `schemas:` and its postgres settings", async () => {
    const yaml = [
      'serviceId: "s"',
      "schemas:",
      '  - id: "other"',
      '    source: "./nope"',
      '  - id: "main"',
      '    source: "./schema"',
      "    datasource: { postgresql: { database: maindb, schema: app } }",
      "connectorDirs: []",
    ].join("\n");
    const result = await load({ "dataconnect.yaml": yaml, "schema/s.gql": "type A @table { x: Int }" });
    expect(result.ok && [result.config.database, result.config.sources.pgSchema]).toEqual(["maindb", "app"]);
  });

  it("defaults the database to postgres and allows no connectors", async () => {
    const result = await load({
      "dataconnect.yaml": "serviceId: s\nschema:\n  source: ./schema\n",
      "schema/s.gql": "",
    });
    expect(result.ok && [result.config.database, result.config.sources.connectors]).toEqual(["postgres", []]);
  });

  it("reports a missing dataconnect.yaml", async () => {
    const result = await load({});
    expect(result).toMatchObject({
      ok: false,
      errors: [{ file: "dataconnect.yaml", message: expect.stringContaining("not found") }],
    });
  });

  it("names the file, key, line and column of an invalid value", async () => {
    const result = await load({
      ...BASE,
      "dataconnect.yaml": 'specVersion: v1\nserviceId: 42\nschema:\n  source: "./schema"\n',
    });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { file: "dataconnect.yaml", line: 2, column: 12, message: expect.stringMatching(/^serviceId: /) },
      ],
    });
  });

  it("names the parent's position for a missing key", async () => {
    const result = await load({ ...BASE, "dataconnect.yaml": "serviceId: s\nschema:\n  datasource: {}\n" });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ line: 3, message: expect.stringMatching(/^schema\.source: /) }],
    });
  });

  it("reports YAML syntax errors with their position", async () => {
    const result = await load({ ...BASE, "dataconnect.yaml": "serviceId: [unclosed\n" });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        {
          file: "dataconnect.yaml",
          message: expect.stringContaining("invalid YAML"),
          line: expect.any(Number),
        },
      ],
    });
  });

  it("refuses both `schema` and `schemas`", async () => {
    const yaml = "serviceId: s\nschema: { source: a }\nschemas: [{ source: b }]\n";
    const result = await load({ "dataconnect.yaml": yaml });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ message: expect.stringContaining("exactly one") }],
    });
  });

  it("reports a connector directory without connector.yaml, and a missing schema directory", async () => {
    const result = await load({ "dataconnect.yaml": dataconnectYaml("s", ["./missing"]) });
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.errors.map((e) => e.message);
    expect(messages).toEqual([
      expect.stringContaining("schema.source: directory ./schema does not exist"),
      expect.stringContaining("connectorDirs: ./missing has no connector.yaml"),
    ]);
  });

  it("names connector.yaml and the key when connectorId is missing", async () => {
    const result = await load({ ...BASE, "connector/connector.yaml": "generate: {}\n" });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ file: "connector/connector.yaml", message: expect.stringMatching(/^connectorId: /) }],
    });
  });

  it("refuses two connectors with the same id", async () => {
    const result = await load({
      ...BASE,
      "dataconnect.yaml": dataconnectYaml("s", ["./connector", "./again"]),
      "again/connector.yaml": 'connectorId: "default"\n',
    });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ file: "again/connector.yaml", message: expect.stringContaining("another connector") }],
    });
  });
});
