// Progress bars with rate and ETA for the load: one line per running task, redrawn in place on a
// terminal, a plain status line every 15 s otherwise (CI logs, files).

/** One task's progress: `done` of `total` units. */
export interface Task {
  name: string;
  unit: string;
  total: number;
  done: number;
  started: number;
  finished?: number;
}

const BAR = 24;

/** Formats seconds as `1m05s` / `42s`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Renders one task as `name [#####·····]  42%  1.2M/3.0M rows  310k/s  ETA 6s`. */
export function renderTask(task: Task, now: number): string {
  const elapsed = ((task.finished ?? now) - task.started) / 1000;
  const share = task.total > 0 ? Math.min(1, task.done / task.total) : 0;
  const filled = Math.round(share * BAR);
  const rate = elapsed > 0 ? task.done / elapsed : 0;
  const eta = task.finished
    ? `done in ${duration(elapsed)}`
    : `ETA ${duration((task.total - task.done) / rate)}`;
  const n = (x: number) =>
    x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : x >= 1e4 ? `${Math.round(x / 1e3)}k` : String(Math.round(x));
  return `${task.name.padEnd(34)} [${"#".repeat(filled)}${"·".repeat(BAR - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${n(task.done)}/${n(task.total)} ${task.unit}  ${n(rate)}/s  ${eta}`;
}

/** Tracks tasks and draws them to stderr until `stop()`. */
export class Progress {
  readonly #tasks: Task[] = [];
  readonly #started = Date.now();
  readonly #tty = Boolean(process.stderr.isTTY);
  #lines = 0;
  #lastPlain = 0;
  readonly #timer: NodeJS.Timeout;
  /** Overall share done (0..1) for the ETA on the header line. */
  overall: (() => number) | undefined;

  constructor() {
    this.#timer = setInterval(() => this.draw(), this.#tty ? 500 : 1000);
    this.#timer.unref();
  }

  /** Adds a task and returns it; update `done`, then call `finish`. */
  start(name: string, total: number, unit = "rows"): Task {
    const task: Task = { name, unit, total, done: 0, started: Date.now() };
    this.#tasks.push(task);
    return task;
  }

  /** Share (0..1) done of the task named `name`: 0 before it started, 1 once finished. */
  share(name: string): number {
    const task = this.#tasks.find((t) => t.name === name);
    if (!task) return 0;
    if (task.finished) return 1;
    return task.total > 0 ? Math.min(1, task.done / task.total) : 0;
  }

  finish(task: Task): void {
    task.done = Math.max(task.done, task.total);
    task.finished = Date.now();
    this.draw();
  }

  draw(): void {
    const now = Date.now();
    const active = this.#tasks.filter((t) => !t.finished || now - t.finished < 1500);
    const elapsed = (now - this.#started) / 1000;
    const all = this.overall?.();
    const eta =
      all && all > 0.01
        ? `, ${Math.round(100 * all)}% done, ETA ${duration((elapsed * (1 - all)) / all)}`
        : "";
    const header = `load: ${duration(elapsed)} elapsed${eta}`;
    const lines = [header, ...active.map((t) => `  ${renderTask(t, now)}`)];
    if (this.#tty) {
      const up = this.#lines > 0 ? `\x1b[${this.#lines}F` : "";
      const blank = Array.from({ length: Math.max(0, this.#lines - lines.length) }, () => "");
      process.stderr.write(`${up}${[...lines, ...blank].map((l) => `\x1b[2K${l}`).join("\n")}\n`);
      this.#lines = lines.length + blank.length;
    } else if (now - this.#lastPlain >= 15_000) {
      this.#lastPlain = now;
      process.stderr.write(`${lines.join("\n")}\n`);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.draw();
  }
}
