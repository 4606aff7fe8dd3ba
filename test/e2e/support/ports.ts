import net from "node:net";

/**
 * Ports are picked below the kernel's ephemeral range (32768–60999 here): a port the OS handed out
 * and we closed again can be taken by any outgoing connection before the process we pass it to binds
 * it (seen: firebase-tools finding the Functions port taken under a full test run). Below that range
 * only another explicit bind can take it, and a random pick makes that unlikely.
 */
const LOW = 20_000;
const HIGH = 32_767;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Ports this process handed out already (a config asks for several before any is bound). */
const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH}`);
}
