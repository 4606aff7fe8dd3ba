import { defineProject } from "vitest/config";

// Component tests: the app's logic in happy-dom (the browser suite is web/browser).
export default defineProject({
  test: {
    name: "web",
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "happy-dom",
  },
});
