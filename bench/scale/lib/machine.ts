// What the benchmark ran on, for the results: CPU, memory, load, disk, Node and Postgres versions.
import { readFileSync } from "node:fs";
import os from "node:os";

/** The 1-minute load average now. */
export function loadAverage(): number {
  return os.loadavg()[0]!;
}

/** A few lines describing this machine. */
export function describeMachine(database: string): string {
  const cpu = os.cpus()[0]?.model ?? "?";
  const memGiB = os.totalmem() / 2 ** 30;
  let disk = "";
  try {
    disk =
      readFileSync("/proc/mounts", "utf8")
        .split("\n")
        .find((l) => / \/ /.test(l))
        ?.split(" ")[2] ?? "";
  } catch {}
  const [l1, l5, l15] = os.loadavg().map((x) => x.toFixed(2));
  return [
    `machine: ${os.cpus().length} × ${cpu}, ${memGiB.toFixed(1)} GiB RAM, ${os.type()} ${os.release()}${disk ? `, root fs ${disk}` : ""}`,
    `load average at start: ${l1} / ${l5} / ${l15} (1 / 5 / 15 min; the machine is shared)`,
    `node ${process.version}; database: ${database}`,
  ].join("\n");
}
