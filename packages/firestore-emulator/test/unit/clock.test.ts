import { describe, expect, it } from "vitest";
import { Clock } from "../../src/store/clock.ts";

describe("the commit clock", () => {
  it("keeps read times below a commit until it is applied", () => {
    const clock = new Clock();
    const commit = clock.next();
    clock.hold(commit);
    expect(clock.now()).toBe(commit - 1);
    clock.release(commit);
    expect(clock.now()).toBeGreaterThanOrEqual(commit);
  });

  it("never moves read times backwards while commits are held", () => {
    const clock = new Clock();
    const before = clock.now();
    const a = clock.next();
    clock.hold(a);
    const b = clock.next();
    clock.hold(b);
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    clock.release(a);
    expect(clock.now()).toBe(b - 1);
  });
});
