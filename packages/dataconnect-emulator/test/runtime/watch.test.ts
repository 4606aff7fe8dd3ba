import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { directoriesToWatch, isRelevantChange, watchDirectories } from "../../src/runtime/watch.ts";

describe("isRelevantChange", () => {
  it("ignores the emulator's own .dataconnect output and hidden editor files", () => {
    expect(isRelevantChange(".dataconnect/schema/main/input.gql")).toBe(false);
    expect(isRelevantChange("schema/.schema.gql.swp")).toBe(false);
    expect(isRelevantChange("schema/schema.gql")).toBe(true);
    expect(isRelevantChange("dataconnect.yaml")).toBe(true);
  });
});

describe("directoriesToWatch", () => {
  it("watches the config directory plus source directories outside it, once each", () => {
    expect(
      directoriesToWatch("/p/dc", ["/p/dc/schema", "/p/shared", "/p/shared", "/p/dc/connector"]),
    ).toEqual(["/p/dc", "/p/shared"]);
  });
});

describe("watchDirectories", () => {
  it("reports a burst of file changes once", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "dc-watch-"));
    let changes = 0;
    const watcher = watchDirectories([dir], () => changes++, { debounceMs: 100, onError: () => {} });
    try {
      await writeFile(path.join(dir, "a.gql"), "1");
      await writeFile(path.join(dir, "a.gql"), "2");
      await writeFile(path.join(dir, "b.gql"), "3");
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(changes).toBe(1);
    } finally {
      watcher.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
