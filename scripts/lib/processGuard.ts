// Keeps track of every process `npm start` is responsible for, so none of them outlives it.
import { descendantsOf, isAlive, listProcesses } from "./processTree.ts";

/** A process we may have to end, with the command line it had when we saw it (against pid reuse). */
export interface GuardedProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Remembers the direct children (each leading its own process group) and, refreshed every second,
 * everything below them: grandchildren that started their own process group (firebase-tools starts
 * the Data Connect engine that way) would otherwise escape a group kill, and after their parent dies
 * they can no longer be found by walking the tree.
 */
export class ProcessGuard {
  private readonly roots = new Set<number>();
  private readonly known = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly onChange: (processes: GuardedProcess[]) => void;

  constructor(onChange: (processes: GuardedProcess[]) => void = () => {}) {
    this.onChange = onChange;
  }

  /** Adds a direct child (spawned with `detached: true`, so its pid is its process group). */
  watch(pid: number, command: string): void {
    this.roots.add(pid);
    this.known.set(pid, command);
    this.refresh();
  }

  /** Re-reads the process table: new descendants are remembered, dead ones forgotten. */
  refresh(): void {
    const table = listProcesses();
    const alive = new Set(table.map((p) => p.pid));
    let changed = false;
    for (const p of descendantsOf([...this.roots], table)) {
      if (!this.known.has(p.pid)) {
        this.known.set(p.pid, p.command);
        changed = true;
      }
    }
    // A child's command line becomes its own once it has exec'd.
    for (const p of table) {
      const known = this.known.get(p.pid);
      if (known !== undefined && known !== p.command && p.command !== "") {
        this.known.set(p.pid, p.command);
        changed = true;
      }
    }
    for (const pid of [...this.known.keys()]) {
      if (!alive.has(pid)) {
        this.known.delete(pid);
        this.roots.delete(pid);
        changed = true;
      }
    }
    if (changed) this.onChange(this.processes());
  }

  /** Everything currently guarded. */
  processes(): GuardedProcess[] {
    return [...this.known].map(([pid, command]) => ({ pid, command }));
  }

  /** Refreshes every `intervalMs` until `stop()`. */
  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Ends everything still alive: SIGTERM to each process group and process, then SIGKILL to
   * whatever is left after `graceMs`. Resolves with the processes that had to be ended.
   */
  async sweep(graceMs: number): Promise<GuardedProcess[]> {
    this.refresh();
    return sweepProcesses(this.processes(), graceMs);
  }
}

/** SIGTERM, wait up to `graceMs`, SIGKILL: for a list of processes (and their process groups). */
export async function sweepProcesses(
  processes: readonly GuardedProcess[],
  graceMs: number,
): Promise<GuardedProcess[]> {
  const living = processes.filter((p) => isAlive(p.pid));
  const signal = (pid: number, sig: NodeJS.Signals) => {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, sig);
      } catch {
        // Not a group leader, or gone.
      }
    }
  };
  for (const p of living) signal(p.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && living.some((p) => isAlive(p.pid)))
    await new Promise((r) => setTimeout(r, 100));
  for (const p of living) if (isAlive(p.pid)) signal(p.pid, "SIGKILL");
  return living;
}
