import { defineProject } from "vitest/config";

// Only the harness's own unit tests; benchmarks themselves run with `npm run bench`, never in `npm test`.
export default defineProject({
  test: { name: "bench", include: ["lib/**/*.test.ts", "*/lib/**/*.test.ts"] },
});
