import type { Micros } from "../model/codec.ts";

/**
 * A monotonic microsecond clock shared by reads and commits of one database: every commit gets a
 * time after every read time handed out before it, so a read at time T sees exactly the commits ≤ T.
 */
export class Clock {
  private last: Micros = 0;

  private wall(): Micros {
    return Math.floor((performance.timeOrigin + performance.now()) * 1000);
  }

  /** A read time: the latest instant whose commits are all applied. */
  now(): Micros {
    this.last = Math.max(this.last, this.wall());
    return this.last;
  }

  /** A fresh commit time, strictly after every time handed out so far. */
  next(): Micros {
    this.last = Math.max(this.last + 1, this.wall());
    return this.last;
  }
}
