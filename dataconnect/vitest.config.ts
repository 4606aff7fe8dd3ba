import { defineProject } from "vitest/config";

// The social engine: the real schema and connectors of dataconnect/, run through our engine.
export default defineProject({
  test: { name: "social", include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
});
