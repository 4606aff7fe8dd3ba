import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "dataconnect-emulator",
    include: ["test/**/*.test.ts"],
    // A real Postgres server (started as an unprivileged user when we run as root) for the suites that
    // check the engine on a server as well as on PGlite.
    globalSetup: ["test/support/global-postgres.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
