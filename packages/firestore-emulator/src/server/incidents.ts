/**
 * Logs bad input without letting bad input flood the log: the first incident of each kind in a
 * window is logged in full, the rest are counted and summed up in one line when the window ends.
 * A client hammering the emulator with garbage therefore costs a few log lines a minute.
 */
export class IncidentLog {
  private readonly log: (message: string) => void;
  private readonly windowMs: number;
  private readonly suppressed = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(log: (message: string) => void, windowMs = 60_000) {
    this.log = log;
    this.windowMs = windowMs;
  }

  /** Records one incident of `kind`; `detail` is logged if it is the first of its kind this window. */
  report(kind: string, detail: string): void {
    const seen = this.suppressed.get(kind);
    if (seen === undefined) {
      this.suppressed.set(kind, 0);
      this.log(`firestore-emulator: ${kind}: ${detail}`);
      this.timer ??= setTimeout(() => this.endWindow(), this.windowMs).unref();
    } else {
      this.suppressed.set(kind, seen + 1);
    }
  }

  private endWindow(): void {
    this.timer = undefined;
    for (const [kind, count] of this.suppressed) {
      if (count > 0)
        this.log(`firestore-emulator: ${count} more ${kind} in the last ${this.windowMs / 1000} s.`);
    }
    this.suppressed.clear();
  }

  /** Stops the window timer (at shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
