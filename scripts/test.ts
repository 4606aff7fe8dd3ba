// `npm test`'s last step: every vitest project, with the web app's browser suite in a second vitest
// process beside the rest. Vitest runs a project without file parallelism (web-browser: one Chromium at a
// time beside its stack) alone, after every other file, on one worker, which left a core idle for three
// minutes; started beside the others it overlaps them instead (most suites wait on stacks, not CPU).
// The browser suite's output is printed whole when it ends, so the two reports do not interleave.
// With arguments (`npm test -- <filters>`) it is one plain `vitest run <filters>`.
import { spawn } from "node:child_process";

/** Runs `vitest run …args`; streams its output, or keeps it to print at the end when `quiet`. */
function vitest(args: string[], quiet: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("vitest", ["run", ...args], {
      stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
      env: quiet ? { ...process.env, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" } : process.env,
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", (error) => resolve({ code: 1, output: `${output}\n${error.message}\n` }));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const filters = process.argv.slice(2);
if (filters.length) {
  process.exitCode = (await vitest(filters, false)).code;
} else {
  const browser = vitest(["--project", "web-browser"], true);
  const rest = await vitest(["--project", "!web-browser"], false);
  const web = await browser;
  process.stdout.write(`\n──── web-browser (a vitest process of its own, run beside the above) ────\n`);
  process.stdout.write(web.output);
  if (rest.code || web.code) {
    console.error(
      `npm test failed: ${[rest.code && "the suites above", web.code && "web-browser"].filter(Boolean).join(" and ")}`,
    );
  }
  process.exitCode = rest.code || web.code;
}
