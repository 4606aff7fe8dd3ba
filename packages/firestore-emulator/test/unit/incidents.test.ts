import { describe, expect, it, vi } from "vitest";
import { IncidentLog } from "../../src/incidents.ts";

describe("the incident log", () => {
  it("logs the first incident of a kind and sums up the rest once per window", () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const log = new IncidentLog((m) => lines.push(m), 1000);
      for (let i = 0; i < 500; i++) log.report("malformed request", `request ${i}`);
      log.report("internal error", "boom");
      expect(lines).toEqual([
        "firestore-emulator: malformed request: request 0",
        "firestore-emulator: internal error: boom",
      ]);
      vi.advanceTimersByTime(1000);
      expect(lines.at(-1)).toBe("firestore-emulator: 499 more malformed request in the last 1 s.");
      log.report("malformed request", "again");
      expect(lines.at(-1)).toBe("firestore-emulator: malformed request: again");
      log.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
