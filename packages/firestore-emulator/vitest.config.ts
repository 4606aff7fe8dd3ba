import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "firestore-emulator", include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
