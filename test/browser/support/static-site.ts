import http from "node:http";
import type net from "node:net";

/** One file a test site serves. */
export interface SiteFile {
  readonly body: string | Buffer;
  readonly type: string;
}

/** A running test site: the origin pages load from. */
export interface StaticSite {
  /** `http://127.0.0.1:<port>`, a different origin from any emulator port (so CORS is real). */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves fixed files (path → file) on a free loopback port; anything else is 404. */
export async function serveStatic(files: Readonly<Record<string, SiteFile>>): Promise<StaticSite> {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = Object.hasOwn(files, pathname) ? files[pathname] : undefined;
    if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A page that imports `/sdk.js` as a module and exposes it as `window.sdk`. */
export const SDK_PAGE: SiteFile = {
  type: "text/html; charset=utf-8",
  body: `<!doctype html>
<html><head><meta charset="utf-8"><title>test page</title></head>
<body><script type="module">import * as sdk from "/sdk.js"; window.sdk = sdk;</script></body></html>
`,
};

/** A page that imports `/lite.js` (the lite SDK bundle) as a module and exposes it as `window.lite`. */
export const LITE_PAGE: SiteFile = {
  type: "text/html; charset=utf-8",
  body: `<!doctype html>
<html><head><meta charset="utf-8"><title>lite test page</title></head>
<body><script type="module">import * as lite from "/lite.js"; window.lite = lite;</script></body></html>
`,
};
