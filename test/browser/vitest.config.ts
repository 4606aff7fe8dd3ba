import { defineProject } from "vitest/config";

// Real headless Chromium (from npm) running the web SDK's browser bundle against our engines.
export default defineProject({
  test: {
    name: "browser",
    include: ["**/*.test.ts"],
    globalSetup: ["support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Snapshots arrive asynchronously; on a loaded 2-core machine a second is not always enough.
    expect: { poll: { timeout: 15_000, interval: 20 } },
  },
});
