// The watchdog `npm start` leaves behind: a detached process that outlives it only if it is killed
// (kill -9, a crash, a closed terminal). It learns the children to guard from its stdin, one JSON
// line each ({"watch": pid, "command": "..."}); when stdin ends, npm start is gone, and whatever it
// started that still runs is ended. `npm start` stops its children itself when it exits normally,
// so then there is nothing left to do.
import { createInterface } from "node:readline";
import { ProcessGuard } from "./processGuard.ts";

const parentPid = process.argv[2] ?? "?";
const guard = new ProcessGuard();
guard.start(1000);

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  try {
    const message = JSON.parse(line) as { watch?: number; command?: string };
    if (typeof message.watch === "number") guard.watch(message.watch, message.command ?? "");
  } catch {
    // Not ours.
  }
});
lines.on("close", async () => {
  const ended = await guard.sweep(8000);
  if (ended.length > 0) {
    console.error(
      `\nnpm start (pid ${parentPid}) exited without stopping what it started; ended ${ended.length} process(es): ${ended.map((p) => p.pid).join(", ")}.`,
    );
  }
  process.exit(0);
});
// Ctrl-C in the terminal is for npm start, which stops everything in order.
process.on("SIGINT", () => {});
process.on("SIGHUP", () => {});
