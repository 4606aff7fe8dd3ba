import type { Micros } from "../model/codec.ts";

/**
 * A monotonic microsecond clock shared by reads and commits of one database: every commit gets a
 * time after every read time handed out before it, so a read at time T sees exactly the commits ≤ T.
 * A commit that is waiting to become durable is "held": until it is released, read times stay
 * below it, so nobody reads at a time whose commits are not applied yet.
 */
export class Clock {
  private last: Micros = 0;
  private readonly held = new Set<Micros>();

  private wall(): Micros {
    return Math.floor((performance.timeOrigin + performance.now()) * 1000);
  }

  /** A read time: the latest instant whose commits are all applied. */
  now(): Micros {
    if (this.held.size > 0) {
      let oldest = Number.POSITIVE_INFINITY;
      for (const time of this.held) oldest = Math.min(oldest, time);
      return oldest - 1;
    }
    this.last = Math.max(this.last, this.wall());
    return this.last;
  }

  /** A fresh commit time, strictly after every time handed out so far. */
  next(): Micros {
    this.last = Math.max(this.last + 1, this.wall());
    return this.last;
  }

  /** Keeps read times below `time` until `release(time)`: that commit is not applied yet. */
  hold(time: Micros): void {
    this.held.add(time);
  }

  /** The commit at `time` is applied (or abandoned): reads may see past it. */
  release(time: Micros): void {
    this.held.delete(time);
  }

  /** Moves the clock past a time recovered from disk, so new commits come after restored ones. */
  advanceTo(time: Micros): void {
    this.last = Math.max(this.last, time);
  }
}
