import { defineProject } from "vitest/config";

// End-to-end: real firebase-tools emulators, official SDKs, our engines as separate processes.
export default defineProject({
  test: {
    name: "e2e",
    include: ["e2e/**/*.test.ts"],
    // A real Postgres server (started as an unprivileged user when we run as root), for the suites that
    // check the Data Connect engine on a server as well as on PGlite.
    globalSetup: ["../packages/dataconnect-emulator/test/support/global-postgres.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
