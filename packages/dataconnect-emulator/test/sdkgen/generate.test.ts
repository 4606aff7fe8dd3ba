// `sdk generate` output: layout, package.json, typings, determinism, packageJsonDir, switched-off options.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/runtime/log.ts";
import { generateSdks } from "../../src/sdkgen/run.ts";
import { FIXTURE_CONNECTOR_YAML, type Fixture, writeFixture } from "./support/fixture.ts";

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.remove();
});

async function generated(overrides: Record<string, string> = {}): Promise<Fixture> {
  const fixture = await writeFixture(overrides);
  fixtures.push(fixture);
  const outcome = await generateSdks(fixture.configDir, silentLogger);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return fixture;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function readAll(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const file of await listFiles(dir)) files[file] = await readFile(path.join(dir, file), "utf8");
  return files;
}

describe("sdk generate: web SDK", () => {
  it("writes the official layout, React bindings included", async () => {
    const fixture = await generated();
    expect(await listFiles(fixture.webSdkDir)).toEqual([
      "README.md",
      "esm/index.esm.js",
      "esm/package.json",
      "index.cjs.js",
      "index.d.ts",
      "package.json",
      "react/README.md",
      "react/esm/index.esm.js",
      "react/esm/package.json",
      "react/index.cjs.js",
      "react/index.d.ts",
      "react/package.json",
    ]);
  });

  it("names the package from `package` and exports ESM, CJS and types for . and ./react", async () => {
    const fixture = await generated();
    const pkg = JSON.parse(await readFile(path.join(fixture.webSdkDir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({
      name: "@fixture/sdk",
      main: "index.cjs.js",
      module: "esm/index.esm.js",
      typings: "index.d.ts",
      exports: {
        ".": { types: "./index.d.ts", require: "./index.cjs.js", default: "./esm/index.esm.js" },
        "./react": { types: "./react/index.d.ts", import: "./react/esm/index.esm.js" },
      },
      peerDependencies: {
        firebase: expect.any(String),
        "@tanstack-query-firebase/react": expect.any(String),
      },
    });
    expect(JSON.parse(await readFile(path.join(fixture.webSdkDir, "esm/package.json"), "utf8"))).toEqual({
      type: "module",
    });
  });

  it("types Data and Variables from the schema: scalars, enums, keys, nullability, fragments", async () => {
    const fixture = await generated();
    const dts = await readFile(path.join(fixture.webSdkDir, "index.d.ts"), "utf8");
    expect(dts).toContain("export enum Mood {\n  HAPPY = 'HAPPY',\n  SAD = 'SAD',\n}");
    expect(dts).toContain(
      "export interface Like_Key {\n  postId: UUIDString;\n  authorUid: string;\n  __typename?: 'Like_Key';\n}",
    );
    expect(dts).toContain(
      [
        "export interface ListPostsData {",
        "  posts: ({",
        "    id: UUIDString;",
        "    title: string;",
        "    body?: string | null;",
        "    tags?: string[] | null;",
        "    rating?: number | null;",
        "    author: {",
        "      uid: string;",
        "      name: string;",
        "      mood?: Mood | null;",
        "      score?: Int64String | null;",
        "    } & Author_Key;",
        "  } & Post_Key)[];",
        "}",
      ].join("\n"),
    );
    expect(dts).toContain("export interface ListPostsVariables {\n  limit?: number | null;\n}");
    // The fragment's fields, flattened; the nested author has no key selected, so no `& Author_Key`.
    expect(dts).toContain(
      "  post?: {\n    id: UUIDString;\n    title: string;\n    publishedOn?: DateString | null;\n    author: {\n      name: string;\n    };\n  } & Post_Key;",
    );
    expect(dts).toContain("export interface CreateAuthorData {\n  author_insert: Author_Key;\n}");
    expect(dts).toContain("export interface DeleteAllPostsData {\n  post_deleteMany: number;\n}");
    expect(dts).not.toMatch(/\bany\b/);
  });

  it("declares refs and actions with the official overloads", async () => {
    const fixture = await generated();
    const dts = await readFile(path.join(fixture.webSdkDir, "index.d.ts"), "utf8");
    expect(dts).toContain(
      "export function getPost(vars: GetPostVariables, options?: ExecuteQueryOptions): QueryPromise<GetPostData, GetPostVariables>;",
    );
    expect(dts).toContain(
      "export function listPosts(dc: DataConnect, vars?: ListPostsVariables, options?: ExecuteQueryOptions): QueryPromise<ListPostsData, ListPostsVariables>;",
    );
    expect(dts).toContain(
      "export function me(options?: ExecuteQueryOptions): QueryPromise<MeData, undefined>;",
    );
    expect(dts).toContain(
      "export function deleteAllPosts(dc: DataConnect): MutationPromise<DeleteAllPostsData, undefined>;",
    );
    expect(dts).toContain(
      "  (dc: DataConnect, vars: CreatePostVariables): MutationRef<CreatePostData, CreatePostVariables>;",
    );
    const esm = await readFile(path.join(fixture.webSdkDir, "esm/index.esm.js"), "utf8");
    expect(esm).toContain("  connector: 'blog',\n  service: 'blogsvc',\n  location: 'us-central1',");
    expect(esm).toContain("getPostRef.operationName = 'GetPost';");
  });

  it("regenerates byte-identical output and rewrites nothing", async () => {
    const fixture = await generated();
    const first = { web: await readAll(fixture.webSdkDir), admin: await readAll(fixture.adminSdkDir) };
    const again = await generateSdks(fixture.configDir, silentLogger);
    expect(again.ok && again.result.changedFiles).toEqual([]);
    const other = await generated();
    expect({ web: await readAll(other.webSdkDir), admin: await readAll(other.adminSdkDir) }).toEqual(first);
  });

  it("wires packageJsonDir: adds the package as a file: dependency, once", async () => {
    const fixture = await generated();
    const pkg = JSON.parse(await readFile(path.join(fixture.appDir, "package.json"), "utf8"));
    expect(pkg).toEqual({
      name: "fixture-app",
      private: true,
      type: "module",
      dependencies: { "@fixture/sdk": "file:src/generated" },
    });
    const again = await generateSdks(fixture.configDir, silentLogger);
    expect(again.ok && again.result.changedFiles).toEqual([]);
  });

  it("removes the React files when react is switched off, keeping the user's own files", async () => {
    const fixture = await generated({ "app/src/generated/NOTES.txt": "mine" });
    await fixture.write(
      "dataconnect/connector/connector.yaml",
      FIXTURE_CONNECTOR_YAML.replace("    react: true\n", ""),
    );
    const outcome = await generateSdks(fixture.configDir, silentLogger);
    expect(outcome.ok).toBe(true);
    const files = await listFiles(fixture.webSdkDir);
    expect(files.filter((file) => file.startsWith("react/"))).toEqual([]);
    expect(files).toContain("NOTES.txt");
    const pkg = JSON.parse(await readFile(path.join(fixture.webSdkDir, "package.json"), "utf8"));
    expect(pkg.exports["./react"]).toBeUndefined();
  });

  it("accepts javascriptSdk as a list and writes each entry", async () => {
    const fixture = await generated({
      "dataconnect/connector/connector.yaml": `connectorId: "blog"
generate:
  javascriptSdk:
    - outputDir: ../../app/one
      package: "@fixture/one"
    - outputDir: ../../app/two
      package: "@fixture/two"
      clientCache: {}
`,
    });
    expect(JSON.parse(await readFile(path.join(fixture.appDir, "one/package.json"), "utf8")).name).toBe(
      "@fixture/one",
    );
    const two = await readFile(path.join(fixture.appDir, "two/esm/index.esm.js"), "utf8");
    expect(two).toContain(
      "export const dataConnectSettings = {\n  cacheSettings: {\n    cacheProvider: makeMemoryCacheProvider(),",
    );
  });
});

describe("sdk generate: admin SDK", () => {
  it("writes functions over firebase-admin/data-connect with serviceId in connectorConfig", async () => {
    const fixture = await generated();
    expect(await listFiles(fixture.adminSdkDir)).toEqual([
      "README.md",
      "esm/index.esm.js",
      "esm/package.json",
      "index.cjs.js",
      "index.d.ts",
      "package.json",
    ]);
    const esm = await readFile(path.join(fixture.adminSdkDir, "esm/index.esm.js"), "utf8");
    expect(esm).toContain("import { validateAdminArgs } from 'firebase-admin/data-connect';");
    expect(esm).toContain("  serviceId: 'blogsvc',");
    expect(esm).toContain("return dcInstance.executeMutation('DeleteAllPosts', undefined, inputOpts);");
    const dts = await readFile(path.join(fixture.adminSdkDir, "index.d.ts"), "utf8");
    expect(dts).toContain(
      "export function getPost(dc: DataConnect, vars: GetPostVariables, options?: OperationOptions): Promise<ExecuteOperationResponse<GetPostData>>;",
    );
  });
});

describe("sdk generate: errors", () => {
  it("reports compile errors with file:line and writes nothing", async () => {
    const fixture = await writeFixture({
      "dataconnect/connector/queries.gql": "query Broken @auth(level: PUBLIC) { nope }\n",
    });
    fixtures.push(fixture);
    const outcome = await generateSdks(fixture.configDir, silentLogger);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors[0]).toMatchObject({ file: "connector/queries.gql", line: 1 });
    await expect(readdir(fixture.webSdkDir)).rejects.toThrow(/ENOENT/);
  });
});
