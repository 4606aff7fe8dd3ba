import { defineProject } from "vitest/config";

// End-to-end: real firebase-tools emulators, official SDKs, our engines as separate processes.
export default defineProject({
  test: {
    name: "e2e",
    include: ["e2e/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
