// `build` through the real executable, as firebase-tools runs it before deploy and emulator start: JSON on
// stdout, exit 0, hard errors with file and line, warnings with `warningLevel`, required extensions — and
// firebase-tools' own handling of that report.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { BIN } from "../cli/support/child.ts";
import { dataconnectYaml, type TempDir, tempDir } from "../protocol/support/config-dir.ts";

const temps: TempDir[] = [];
afterEach(async () => {
  for (const temp of temps.splice(0)) await temp.remove();
});

const SCHEMA = `type Note @table {
  owner: String!
  text: String!
}
`;

async function service(files: Record<string, string>): Promise<TempDir> {
  const temp = await tempDir({
    "dataconnect.yaml": dataconnectYaml("svc"),
    "schema/schema.gql": SCHEMA,
    "connector/connector.yaml": 'connectorId: "main"\n',
    "connector/ops.gql":
      'query Mine @auth(level: USER) { notes(where: { owner: { eq_expr: "auth.uid" } }) { text } }\n',
    ...files,
  });
  temps.push(temp);
  return temp;
}

/** Runs `build` exactly as firebase-tools does (`spawnSync`, stdout parsed as JSON). */
async function build(dir: string): Promise<{ code: number | null; report: Record<string, unknown> }> {
  const result = spawnSync(
    BIN,
    ["--logtostderr", "-v=2", "build", `--config_dir=${dir}`, "--project_id=demo-x"],
    {
      encoding: "utf8",
    },
  );
  return { code: result.status, report: JSON.parse(result.stdout) };
}

describe("build", () => {
  it("reports a valid service with metadata and no errors", async () => {
    const temp = await service({});
    const { code, report } = await build(temp.dir);
    expect(code).toBe(0);
    expect(report).toEqual({ metadata: { primaryDataSource: { postgres: {} } } });
  });

  it("reports a broken schema as errors with file and line (no warningLevel), exit 0", async () => {
    const temp = await service({
      "schema/schema.gql": "type Note @table {\n  owner: String!\n  text: Strin!\n}\n",
    });
    const { code, report } = await build(temp.dir);
    expect(code).toBe(0);
    const errors = report.errors as {
      message: string;
      locations?: unknown;
      extensions?: Record<string, unknown>;
    }[];
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({
      message: expect.stringContaining("Strin"),
      locations: [{ line: 3, column: expect.any(Number) }],
      extensions: { file: "schema/schema.gql" },
    });
    expect(errors[0]!.extensions).not.toHaveProperty("warningLevel");
    expect(report).not.toHaveProperty("metadata");
  });

  it("warns about @auth(level: PUBLIC) without insecureReason", async () => {
    const temp = await service({
      "connector/public.gql": "query All\n  @auth(level: PUBLIC) {\n  notes { text }\n}\n",
    });
    const { report } = await build(temp.dir);
    expect(report.errors).toEqual([
      {
        message: expect.stringMatching(
          /^Insecure: connector "main" operation All uses @auth\(level: PUBLIC\)/,
        ),
        locations: [{ line: 2, column: 3 }],
        extensions: {
          file: "connector/public.gql",
          warningLevel: "INTERACTIVE_ACK",
          workarounds: [expect.objectContaining({ replaceWith: expect.stringContaining("insecureReason") })],
        },
      },
    ]);
  });

  it("warns about a signed-in level that never mentions auth.uid, and not when it does or states a reason", async () => {
    const temp = await service({
      "connector/user.gql": [
        "query Everyone @auth(level: USER) { notes { text } }",
        'query Reasoned @auth(level: USER_ANON, insecureReason: "shared board") { notes { text } }',
        'query Public @auth(level: PUBLIC, insecureReason: "landing page") { notes { text } }',
        'query ByExpr @auth(expr: "auth.token.admin == true") { notes { text } }',
        "",
      ].join("\n"),
    });
    const { report } = await build(temp.dir);
    const errors = report.errors as { message: string; extensions: { warningLevel: string } }[];
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/operation Everyone uses @auth\(level: USER\) but never refers to auth\.uid/),
    ]);
    expect(errors[0]!.extensions.warningLevel).toBe("INTERACTIVE_ACK");
  });

  it("lists vector in requiredExtensions when a Vector field exists", async () => {
    const temp = await service({
      "schema/schema.gql": `${SCHEMA}type Doc @table {\n  embedding: Vector! @col(size: 3)\n}\n`,
    });
    const { report } = await build(temp.dir);
    expect(report).toEqual({
      metadata: { primaryDataSource: { postgres: { requiredExtensions: ["vector"] } } },
    });
  });

  it("reports a missing dataconnect.yaml as an error, not a crash", async () => {
    const temp = await tempDir({});
    temps.push(temp);
    const { code, report } = await build(temp.dir);
    expect(code).toBe(0);
    expect(report.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining("dataconnect.yaml not found") }),
    ]);
  });
});

describe("build, read by firebase-tools", () => {
  // firebase-tools' deploy-time handling (`lib/dataconnect/build.js`), running our executable. It reads
  // DATACONNECT_EMULATOR_BINARY_PATH when it is loaded, so the variable is set first (and left set: it
  // names our executable, which is what every test here wants).
  process.env.DATACONNECT_EMULATOR_BINARY_PATH = BIN;
  const require = createRequire(import.meta.url);
  const toolsBuild = (
    dir: string,
    stats: { numBuildErrors: number; numBuildWarnings: Map<string, number> },
  ) => {
    const { build: firebaseBuild } = require("firebase-tools/lib/dataconnect/build.js") as {
      build: (options: object, configDir: string, stats: object) => Promise<unknown>;
    };
    return firebaseBuild({ projectRoot: dir, nonInteractive: true, force: false }, dir, stats);
  };

  it("fails the deploy on a broken schema, naming file:line", async () => {
    const temp = await service({
      "schema/schema.gql": "type Note @table {\n  owner: String!\n  text: Strin!\n}\n",
    });
    const stats = { numBuildErrors: 0, numBuildWarnings: new Map<string, number>() };
    await expect(toolsBuild(temp.dir, stats)).rejects.toThrow(
      /There are errors in your schema and connector files:\nschema\/schema\.gql:3: /,
    );
    expect(stats.numBuildErrors).toBeGreaterThan(0);
  });

  it("counts an insecure operation as a warning and lets a non-interactive deploy proceed", async () => {
    const temp = await service({
      "connector/public.gql": "query All @auth(level: PUBLIC) { notes { text } }\n",
    });
    const stats = { numBuildErrors: 0, numBuildWarnings: new Map<string, number>() };
    await expect(toolsBuild(temp.dir, stats)).resolves.toEqual({ primaryDataSource: { postgres: {} } });
    expect(Object.fromEntries(stats.numBuildWarnings)).toEqual({ interactive_ack_insecure: 1 });
  });
});
