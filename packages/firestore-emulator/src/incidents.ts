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

let current: Pick<IncidentLog, "report"> = {
  report: (kind, detail) => console.error(`firestore-emulator: ${kind}: ${detail}`),
};

/** Where every transport reports malformed requests and internal errors (set by the server). */
export function reportIncidentsTo(log: Pick<IncidentLog, "report">): void {
  current = log;
}

/** Reports one incident to the server's incident log (stderr before a server is listening). */
export function reportIncident(kind: string, detail: string): void {
  current.report(kind, detail);
}

/** Reports an unexpected error (a bug: INTERNAL for the request it broke), with its stack. */
export function reportInternalError(error: unknown): void {
  reportIncident("internal error", error instanceof Error ? (error.stack ?? error.message) : String(error));
}
