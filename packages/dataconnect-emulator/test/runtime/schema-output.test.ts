import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { schemaOutputDir, writeSchemaOutput } from "../../src/runtime/schema-output.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "dc-out-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("writeSchemaOutput", () => {
  it("writes every file under .dataconnect/schema of the config directory", async () => {
    const out = schemaOutputDir(dir);
    await writeSchemaOutput(out, [
      { path: "prelude.gql", text: "P" },
      { path: "main/input.gql", text: "I" },
    ]);
    expect(out).toBe(path.join(dir, ".dataconnect", "schema"));
    expect(await readFile(path.join(out, "main/input.gql"), "utf8")).toBe("I");
    expect(await readFile(path.join(out, "prelude.gql"), "utf8")).toBe("P");
  });

  it("leaves an unchanged file untouched", async () => {
    await writeSchemaOutput(dir, [{ path: "a.gql", text: "same" }]);
    const before = (await stat(path.join(dir, "a.gql"))).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeSchemaOutput(dir, [{ path: "a.gql", text: "same" }]);
    expect((await stat(path.join(dir, "a.gql"))).mtimeMs).toBe(before);
  });

  it("deletes files it wrote before that are no longer produced, and nothing else", async () => {
    await writeFile(path.join(dir, "mine.txt"), "keep");
    const first = await writeSchemaOutput(dir, [
      { path: "old.gql", text: "o" },
      { path: "kept.gql", text: "k" },
    ]);
    await writeSchemaOutput(dir, [{ path: "kept.gql", text: "k" }], first);
    expect((await readdir(dir)).sort()).toEqual(["kept.gql", "mine.txt"]);
  });

  it("refuses a path that escapes the output directory", async () => {
    await expect(writeSchemaOutput(dir, [{ path: "../evil.gql", text: "" }])).rejects.toThrow("escapes");
  });
});
