// The preload `npm start` gives firebase-tools (NODE_OPTIONS=--require …/tcp-nodelay.cjs), in a process of
// its own as there: it must reach every net.createServer, and respect a server that asks otherwise.
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const PRELOAD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../preload/tcp-nodelay.cjs");
const PROBE = `
const net = require("node:net");
console.log(JSON.stringify([
  net.createServer(() => {}).noDelay,
  net.createServer().noDelay,
  net.createServer({ allowHalfOpen: true }, () => {}).noDelay,
  net.createServer({ noDelay: false }).noDelay,
]));`;

describe("preload/tcp-nodelay.cjs", () => {
  it("gives servers made with net.createServer TCP_NODELAY, unless they ask for Nagle", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", PROBE], {
      env: { ...process.env, NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}` },
    });
    expect(JSON.parse(stdout)).toEqual([true, true, true, false]);
  });

  it("changes nothing without the preload (Node's default is Nagle)", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", PROBE], {
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(JSON.parse(stdout)).toEqual([false, false, false, false]);
  });
});
