import { defineProject } from "vitest/config";

// The web app in headless Chromium (playwright-core, Chromium from @sparticuz/chromium) against the
// whole local stack as `npm start` runs it (started once for the suite by support/stack.ts).
export default defineProject({
  test: {
    name: "web-browser",
    include: ["*.test.ts"],
    globalSetup: ["support/stack.ts"],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // Waiting for what a person would see, as long as a slow machine may need.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    // One Chromium per file is enough load for 2 cores beside the stack.
    fileParallelism: false,
  },
});
