// Regeneration on change: `sdk generate --watch` (the executable, as `firebase dataconnect:sdk:generate
// --watch` runs it) and the `dev` runtime with `--enable_output_generated_sdk=true`.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startDataConnectEmulator } from "../../src/index.ts";
import { type Child, spawnChild } from "../cli/support/child.ts";
import { eventually } from "../protocol/support/emulator.ts";
import { FIXTURE_QUERIES, type Fixture, writeFixture } from "./support/fixture.ts";

const fixtures: Fixture[] = [];
const children: Child[] = [];
const emulators: RunningEmulator[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill("SIGKILL");
    await child.exited;
  }
  for (const emulator of emulators.splice(0)) await emulator.stop();
  for (const fixture of fixtures.splice(0)) await fixture.remove();
});

const ADDED_QUERY = `
query ListAuthors @auth(level: PUBLIC, insecureReason: "fixture") {
  authors { uid name }
}
`;

async function fixtureWith(): Promise<Fixture> {
  const fixture = await writeFixture();
  fixtures.push(fixture);
  return fixture;
}

function webTypes(fixture: Fixture): Promise<string> {
  return readFile(path.join(fixture.webSdkDir, "index.d.ts"), "utf8").catch(() => "");
}

describe("sdk generate --watch", () => {
  it("generates, regenerates after an edit, keeps going past a broken edit, and exits 0 on SIGTERM", async () => {
    const fixture = await fixtureWith();
    const child = spawnChild([
      "--logtostderr",
      "-v=2",
      "sdk",
      "generate",
      `--config_dir=${fixture.configDir}`,
      "--watch",
    ]);
    children.push(child);
    await child.waitFor(/watching for changes/);
    expect(await webTypes(fixture)).not.toContain("ListAuthorsData");

    await fixture.write("dataconnect/connector/queries.gql", `${FIXTURE_QUERIES}\nquery Broken { nope }\n`);
    await child.waitFor(/connector\/queries\.gql:\d+:\d+: .*nope/);
    await fixture.write("dataconnect/connector/queries.gql", FIXTURE_QUERIES + ADDED_QUERY);
    await eventually(
      async () => expect(await webTypes(fixture)).toContain("export interface ListAuthorsData"),
      10_000,
    );

    child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });
});

describe("dev with outputGeneratedSdk", () => {
  it("writes the SDKs after the first compile and again after a watched change", async () => {
    const fixture = await fixtureWith();
    const emulator = await startDataConnectEmulator({
      configDir: fixture.configDir,
      listen: [{ host: "127.0.0.1", port: 0 }],
      standaloneAfterMs: Number.POSITIVE_INFINITY,
      outputGeneratedSdk: true,
      watch: true,
      watchDebounceMs: 50,
    });
    emulators.push(emulator);
    expect(await webTypes(fixture)).toContain("export interface ListPostsData");
    await readFile(path.join(fixture.adminSdkDir, "index.d.ts"), "utf8");

    await fixture.write("dataconnect/connector/queries.gql", FIXTURE_QUERIES + ADDED_QUERY);
    const reactTypes = () => readFile(path.join(fixture.webSdkDir, "react/index.d.ts"), "utf8");
    await eventually(
      async () => expect(await reactTypes()).toContain("export function useListAuthors("),
      10_000,
    );
  });
});
