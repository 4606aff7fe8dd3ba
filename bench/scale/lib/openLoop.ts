// Open-loop load (wrk2's model): requests are due at a fixed rate whatever the answers do; request i is
// due at t0 + i/rate and goes out on connection i mod C. A connection still busy with an earlier
// request holds the next one back, and that wait counts: latency is measured from the time the
// request was *due*, not from when it could be sent, so a stall shows up in every request it delayed
// (coordinated omission corrected). Each connection is one keep-alive HTTP/1.1 socket.
//
// The requests go out from a worker thread (openLoopWorker.ts) with a heap of its own: the benchmark's
// main thread holds the graph model and the viewers' expected pages, and its garbage collections
// (a mark-compact about every second under load, pauses up to ~20 ms) would otherwise stall the
// generator and be counted as the engine's latency. So calls are plain data, checks included.
import http from "node:http";
import { Worker } from "node:worker_threads";
import { type LatencySummary, summarize } from "../../lib/stats.ts";

/** What an answer must hold: a `data._select` page, exactly `ids` in order, or at most `max` rows. */
export interface PageExpectation {
  ids?: string[];
  max?: number;
}

/** One request: path under the service URL, JSON body, optional ID token, optional page check. */
export interface Call {
  path: string;
  body: unknown;
  token?: string | undefined;
  /** The answer must be such a page; otherwise it counts as an error. */
  page?: PageExpectation;
}

/** What a run measured. */
export interface RunResult {
  /** Requests due in the run (rate × duration). */
  offered: number;
  /** Answers received per second of the run (answers that arrived after the end still count, over the longer time). */
  achievedPerSecond: number;
  latency: LatencySummary;
  /** Answers that were not 200, or failed `check`, by message (first few). */
  errors: Map<string, number>;
  errorCount: number;
  /** Requests that could not connect or lost their socket. */
  refused: number;
}

/** How a run is paced. */
export interface LoadShape {
  rate: number;
  seconds: number;
  connections: number;
}

/** An HTTP client for `baseUrl` with a fixed number of keep-alive sockets. */
export class Client {
  readonly baseUrl: string;
  readonly sockets: number;
  readonly #agent: http.Agent;
  readonly #url: URL;
  #worker: LoadWorker | undefined;

  constructor(baseUrl: string, sockets: number) {
    this.baseUrl = baseUrl;
    this.sockets = sockets;
    this.#url = new URL(baseUrl);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** The worker thread that runs this client's open-loop runs (started on first use). */
  worker(): LoadWorker {
    this.#worker ??= new LoadWorker(this.baseUrl, this.sockets);
    return this.#worker;
  }

  /** Sends one call; resolves with status and decoded body (never rejects: network errors are status 0). */
  send(call: Call): Promise<{ status: number; body: unknown; error?: string }> {
    const payload = JSON.stringify(call.body);
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.#agent,
          host: this.#url.hostname,
          port: this.#url.port,
          method: "POST",
          path: `${this.#url.pathname}${call.path}`,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(payload),
            ...(call.token ? { "x-firebase-auth-token": call.token } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on("error", (e) => resolve({ status: 0, body: undefined, error: e.message }));
        },
      );
      req.on("error", (e) => resolve({ status: 0, body: undefined, error: e.message }));
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
    void this.#worker?.terminate();
  }
}

/** A worker thread with its own client (same URL and sockets) that runs open-loop runs on request. */
class LoadWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (result: RunResult | { error: string }) => void>();
  #next = 0;

  constructor(baseUrl: string, sockets: number) {
    this.#worker = new Worker(new URL("./openLoopWorker.ts", import.meta.url), {
      workerData: { baseUrl, sockets },
    });
    this.#worker.on("message", (message: { id: number; result: RunResult | { error: string } }) => {
      this.#pending.get(message.id)?.(message.result);
      this.#pending.delete(message.id);
    });
    this.#worker.on("error", (error) => {
      for (const settle of this.#pending.values()) settle({ error: String(error) });
      this.#pending.clear();
    });
  }

  run(shape: LoadShape, calls: Call[]): Promise<RunResult> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (result) =>
        "error" in result ? reject(new Error(`load worker: ${result.error}`)) : resolve(result),
      );
      this.#worker.postMessage({ id, shape, calls });
    });
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

/** The message of an answer that is not a success (status, gRPC code, first GraphQL error, wrong page). */
export function failureOf(status: number, body: unknown, page?: PageExpectation): string | undefined {
  const b = body as { message?: string; errors?: { message?: string }[] } | undefined;
  if (status !== 200) return `HTTP ${status}${b?.message ? `: ${b.message.slice(0, 80)}` : ""}`;
  if (b?.errors?.length) return `error: ${(b.errors[0]?.message ?? "?").slice(0, 80)}`;
  return page && pageFailure(body, page);
}

function pageFailure(body: unknown, expected: PageExpectation): string | undefined {
  const rows = (body as { data?: { _select?: { id?: unknown }[] } }).data?._select;
  if (!Array.isArray(rows)) return "no _select rows";
  if (expected.max !== undefined && rows.length > expected.max) return `a page of ${rows.length}`;
  const ids = expected.ids;
  if (ids === undefined) return undefined;
  if (rows.length !== ids.length) return `a page of ${rows.length}, not ${ids.length}`;
  return rows.every((r, k) => r.id === ids[k]) ? undefined : "other posts than the expected page";
}

/**
 * Sends `rate` requests per second for `seconds` over `connections` sockets, `next(i)` making request
 * i; waits for every answer. Latencies are from each request's due time. Runs in the client's worker.
 */
export function runOpenLoop(client: Client, shape: LoadShape, next: (i: number) => Call): Promise<RunResult> {
  const total = Math.max(1, Math.round(shape.rate * shape.seconds));
  return client.worker().run(
    shape,
    Array.from({ length: total }, (_, i) => next(i)),
  );
}

/** The open loop itself, on this thread: `calls[i]` is due at t0 + i/rate (openLoopWorker.ts runs it). */
export async function runCalls(client: Client, shape: LoadShape, calls: Call[]): Promise<RunResult> {
  const { rate, seconds, connections } = shape;
  const total = calls.length;
  const latencies = new Float64Array(total);
  const errors = new Map<string, number>();
  let errorCount = 0;
  let refused = 0;
  const t0 = performance.now() + 20;
  const dueAt = (i: number) => t0 + (i * 1000) / rate;
  // Each connection works through its share in order: i ≡ c (mod connections).
  const lane = async (c: number) => {
    for (let i = c; i < total; i += connections) {
      const wait = dueAt(i) - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const call = calls[i]!;
      const answer = await client.send(call);
      latencies[i] = performance.now() - dueAt(i);
      if (answer.status === 0) refused++;
      const failure =
        answer.status === 0 ? `network: ${answer.error}` : failureOf(answer.status, answer.body, call.page);
      if (failure) {
        errorCount++;
        errors.set(failure, (errors.get(failure) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, total) }, (_, c) => lane(c)));
  const elapsed = (performance.now() - t0) / 1000;
  return {
    offered: total,
    achievedPerSecond: total / Math.max(elapsed, seconds),
    latency: summarize(Array.from(latencies)),
    errors,
    errorCount,
    refused,
  };
}
