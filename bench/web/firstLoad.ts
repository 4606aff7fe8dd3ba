// The web app's budget: first-load JavaScript (what the browser fetches before the first screen) and
// time to first feed paint on the demo graph, for the production build (what `firebase deploy --only
// hosting` serves) beside the dev server (what `npm start` serves), each signed in as the demo user.
// Usage: node bench/web/firstLoad.ts [runs]   (starts its own stack on free ports; about 2 minutes)
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../test/browser/support/chromium.ts";
import { startLocalStack } from "../../test/e2e/support/localStack.ts";
import { pinnedPath } from "../../test/e2e/support/repo.ts";
import { summarize } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const RUNS = Number(process.argv[2] ?? 10);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// The stack, as `npm start` runs it, with the demo graph.
const stack = await startLocalStack({ timeoutMs: 240_000 });
const devPort = stack.webPort;
const outDir = await mkdtemp(path.join(os.tmpdir(), "rookery-bench-dist-"));
const env = { ...process.env, PATH: pinnedPath(), ROOKERY_FIREBASE_CONFIG: stack.config.path };
let server: http.Server | undefined;
try {
  // The production build, pointed at this stack's emulators.
  const build = spawnSync("npx", ["vite", "build", "web", "--outDir", outDir, "--emptyOutDir"], {
    cwd: root,
    env,
  });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stderr}`);
  console.log(sizeTable(await bundleSizes(outDir)));

  server = await serveStatic(outDir);
  const prodUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await launchChromium();
  const rows = [];
  for (const [name, url] of [
    ["production build (static)", prodUrl],
    ["dev server (npm start)", `http://127.0.0.1:${devPort}/`],
  ] as const) {
    const samples = await timeToFeed(browser, url, RUNS);
    const paint = summarize(samples.map((s) => s.feed));
    const fcp = summarize(samples.map((s) => s.fcp));
    rows.push([name, RUNS, fcp.p50, paint.p50, paint.p95, paint.max]);
  }
  await browser.close();
  console.log(
    `\nTime to first feed paint, demo user's home feed, warm sign-in, empty HTTP cache (${RUNS} loads each):\n`,
  );
  console.log(
    formatTable(["served by", "loads", "FCP p50 ms", "feed p50 ms", "feed p95 ms", "feed max ms"], rows, 0),
  );
} finally {
  server?.close();
  await stack.stop();
  await rm(outDir, { recursive: true, force: true });
}

interface Asset {
  file: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

/** Every JS and CSS file of the build, and which of them the first page load fetches. */
async function bundleSizes(dir: string): Promise<{ first: Asset[]; lazy: Asset[] }> {
  const html = await readFile(path.join(dir, "index.html"), "utf8");
  const initial = new Set(
    [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!),
  );
  const assets: Asset[] = [];
  for (const file of await readdir(path.join(dir, "assets"))) {
    if (!/\.(js|css)$/.test(file)) continue;
    const data = await readFile(path.join(dir, "assets", file));
    assets.push({
      file: `assets/${file}`,
      bytes: (await stat(path.join(dir, "assets", file))).size,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data).length,
    });
  }
  return {
    first: assets.filter((a) => initial.has(a.file)),
    lazy: assets.filter((a) => !initial.has(a.file)),
  };
}

function sizeTable({ first, lazy }: { first: Asset[]; lazy: Asset[] }): string {
  const kb = (n: number) => n / 1024;
  const sum = (list: Asset[], key: "bytes" | "gzip" | "brotli") => list.reduce((s, a) => s + a[key], 0);
  const js = (list: Asset[]) => list.filter((a) => a.file.endsWith(".js"));
  const css = (list: Asset[]) => list.filter((a) => a.file.endsWith(".css"));
  const row = (name: string, list: Asset[]) => [
    name,
    String(list.length),
    kb(sum(list, "bytes")),
    kb(sum(list, "gzip")),
    kb(sum(list, "brotli")),
  ];
  return [
    "First load of the production build (KiB):\n",
    formatTable(
      ["what", "files", "raw", "gzip", "brotli"],
      [
        row("first-load JS", js(first)),
        row("first-load CSS", css(first)),
        row("lazy JS (Firestore: drafts)", js(lazy)),
        row("all JS", [...js(first), ...js(lazy)]),
      ],
      1,
    ),
  ].join("\n");
}

/** A static server for the build, with the single-page fallback Hosting's rewrite gives. */
function serveStatic(dir: string): Promise<http.Server> {
  const types: Record<string, string> = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let file = path.join(dir, path.normalize(url.pathname));
    if (
      !file.startsWith(dir) ||
      !(await stat(file)
        .then((s) => s.isFile())
        .catch(() => false))
    ) {
      file = path.join(dir, "index.html");
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    res.end(await readFile(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/**
 * What the timing script uses of the page's globals (this file compiles without the DOM library, as
 * the browser test harness does).
 */
interface PageGlobals {
  __feedPaint?: number;
  document: { querySelector(selector: string): unknown };
  MutationObserver: new (
    callback: (records: unknown, observer: { disconnect(): void }) => void,
  ) => { observe(target: unknown, options: { childList: boolean; subtree: boolean }): void };
  requestAnimationFrame(callback: () => void): void;
}

/** Loads `url` `runs` times with an empty HTTP cache, signed in, timing the first feed article. */
async function timeToFeed(browser: Browser, url: string, runs: number) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    const w = globalThis as unknown as PageGlobals;
    new w.MutationObserver((_, observer) => {
      if (w.document.querySelector('[role="feed"] article')) {
        w.requestAnimationFrame(() => {
          w.__feedPaint = performance.now();
        });
        observer.disconnect();
      }
    }).observe(w.document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel("Email").fill("demo@rookery.test");
  await page.getByLabel("Password").fill("rookery-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page
    .getByRole("feed", { name: "Home feed" })
    .getByRole("article")
    .first()
    .waitFor({ timeout: 60_000 });
  const cdp = await context.newCDPSession(page);
  const samples: { feed: number; fcp: number }[] = [];
  for (let i = 0; i <= runs; i++) {
    await cdp.send("Network.clearBrowserCache");
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__feedPaint, null, {
      timeout: 60_000,
    });
    const timing = await page.evaluate(() => ({
      feed: (globalThis as unknown as PageGlobals).__feedPaint ?? Number.NaN,
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
    }));
    if (i > 0) samples.push(timing); // the first load warms the server (Vite transforms, query plans)
  }
  await context.close();
  return samples;
}
