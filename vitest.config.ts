import { defineConfig } from "vitest/config";

// One vitest run for the whole repo: every package, the functions and the end-to-end suite are projects.
export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "dataconnect",
      "functions",
      "bench",
      "test",
      "test/browser",
      "web",
      "web/browser",
    ],
    // 2 cores: the heavy suites (PGlite, emulators) would only fight each other.
    maxWorkers: 2,
  },
});
