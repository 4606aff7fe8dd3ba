// `firebase dataconnect:sdk:generate`, offline, with our executable as the Data Connect toolkit
// (DATACONNECT_EMULATOR_BINARY_PATH), on a temp copy of a small project.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedPath, repoRoot } from "./support/repo.ts";

const run = promisify(execFile);
const EMULATOR_BINARY = path.join(repoRoot, "packages/dataconnect-emulator/bin/dataconnect-emulator");
const FIREBASE = path.join(repoRoot, "node_modules/.bin/firebase");

const PROJECT: Record<string, string> = {
  "firebase.json": JSON.stringify({ dataconnect: { source: "dataconnect" } }),
  "dataconnect/dataconnect.yaml": [
    'specVersion: "v1"',
    'serviceId: "shop"',
    'location: "europe-west1"',
    "schema:",
    '  source: "./schema"',
    "  datasource:",
    "    postgresql:",
    '      database: "shop"',
    "      cloudSql:",
    '        instanceId: "shop-fdc"',
    'connectorDirs: ["./connector"]',
    "",
  ].join("\n"),
  "dataconnect/schema/schema.gql": "type Product @table {\n  name: String!\n  price: Float!\n}\n",
  "dataconnect/connector/connector.yaml": [
    'connectorId: "store"',
    "generate:",
    "  javascriptSdk:",
    "    outputDir: ../../web/src/generated",
    '    package: "@shop/sdk"',
    "    packageJsonDir: ../../web",
    "    react: true",
    "  adminNodeSdk:",
    "    outputDir: ../../functions/src/admin-generated",
    '    package: "@shop/admin"',
    "",
  ].join("\n"),
  "dataconnect/connector/queries.gql":
    'query ListProducts @auth(level: PUBLIC, insecureReason: "catalog") { products { id name price } }\n',
  "web/package.json": '{\n  "name": "web",\n  "private": true\n}\n',
};

let project: string;
let result: { stdout: string; stderr: string };

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), "sdk-generate-e2e-"));
  for (const [file, text] of Object.entries(PROJECT)) {
    await mkdir(path.dirname(path.join(project, file)), { recursive: true });
    await writeFile(path.join(project, file), text);
  }
  result = await run(FIREBASE, ["dataconnect:sdk:generate", "--project", "demo-x", "--non-interactive"], {
    cwd: project,
    env: {
      ...process.env,
      PATH: pinnedPath(),
      DATACONNECT_EMULATOR_BINARY_PATH: EMULATOR_BINARY,
      METADATA_SERVER_DETECTION: "none",
    },
    timeout: 120_000,
  });
});
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe("firebase dataconnect:sdk:generate with our executable", () => {
  it("runs our executable and reports success", () => {
    const output = result.stdout + result.stderr;
    expect(output).toContain(`Using dataconnect emulator at ${EMULATOR_BINARY}`);
    expect(output).toMatch(/Successfully Generated SDKs for services: .*shop/);
  });

  it("writes the web SDK with React hooks and the admin SDK", async () => {
    const web = await readdir(path.join(project, "web/src/generated"), { recursive: true });
    expect(web).toEqual(expect.arrayContaining(["index.d.ts", "esm/index.esm.js", "react/index.d.ts"]));
    const dts = await readFile(path.join(project, "web/src/generated/index.d.ts"), "utf8");
    expect(dts).toContain("export function listProducts(options?: ExecuteQueryOptions)");
    const admin = await readFile(
      path.join(project, "functions/src/admin-generated/esm/index.esm.js"),
      "utf8",
    );
    expect(admin).toContain("  serviceId: 'shop',\n  location: 'europe-west1',");
  });

  it("adds the web SDK to web/package.json as a file: dependency", async () => {
    const pkg = JSON.parse(await readFile(path.join(project, "web/package.json"), "utf8"));
    expect(pkg.dependencies).toEqual({ "@shop/sdk": "file:src/generated" });
  });
});
