import { defineProject } from "vitest/config";

// Real headless Chromium (from npm) running the web SDK's browser bundle against our engines.
export default defineProject({
  test: {
    name: "browser",
    include: ["**/*.test.ts"],
    globalSetup: ["support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
