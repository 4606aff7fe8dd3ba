import { defineProject } from "vitest/config";

// The social engine: the real schema and connectors of dataconnect/, run through our engine on PGlite
// and on a PostgreSQL server the global setup starts.
export default defineProject({
  test: {
    name: "social",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
