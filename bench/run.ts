// `npm run bench [-- name…]`: runs the named benchmarks (all when none), one after another, each in
// its own process so that one's embedded database and timers never disturb the next.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "lib" && d.name !== "results")
  .flatMap((d) =>
    readdirSync(path.join(here, d.name))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => `${d.name}/${f.replace(/\.ts$/, "")}`),
  )
  .sort();

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}\navailable: ${all.join(", ")}`);
  process.exit(2);
}
// Run only when named: bench/scale loads a 24 GB graph and measures for most of an hour.
const NAMED_ONLY = ["scale/run"];
if (!wanted.length) console.log(`(not run unless named: ${NAMED_ONLY.join(", ")})`);
for (const name of wanted.length ? wanted : all.filter((n) => !NAMED_ONLY.includes(n))) {
  console.log(`\n== ${name}`);
  const run = spawnSync(process.execPath, [path.join(here, `${name}.ts`)], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
