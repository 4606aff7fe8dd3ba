// Open-loop load (wrk2's model): requests are due at a fixed rate whatever the answers do; request i is
// due at t0 + i/rate and goes out on connection i mod C. A connection still busy with an earlier
// request holds the next one back, and that wait counts: latency is measured from the time the
// request was *due*, not from when it could be sent, so a stall shows up in every request it delayed
// (coordinated omission corrected). Each connection is one keep-alive HTTP/1.1 socket.
import http from "node:http";
import { type LatencySummary, summarize } from "../../lib/stats.ts";

/** One request: path under the service URL, JSON body, optional ID token. */
export interface Call {
  path: string;
  body: unknown;
  token?: string | undefined;
  /** Checks the decoded answer; return a message to count it as an error. */
  check?: (status: number, body: unknown) => string | undefined;
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

/** An HTTP client for `baseUrl` with a fixed number of keep-alive sockets. */
export class Client {
  readonly #agent: http.Agent;
  readonly #url: URL;

  constructor(baseUrl: string, sockets: number) {
    this.#url = new URL(baseUrl);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
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
  }
}

/** The message of an answer that is not a success (status, gRPC code, first GraphQL error). */
export function failureOf(status: number, body: unknown, check?: Call["check"]): string | undefined {
  const b = body as { message?: string; errors?: { message?: string }[] } | undefined;
  if (status !== 200) return `HTTP ${status}${b?.message ? `: ${b.message.slice(0, 80)}` : ""}`;
  if (b?.errors?.length) return `error: ${(b.errors[0]?.message ?? "?").slice(0, 80)}`;
  return check?.(status, body);
}

/**
 * Sends `rate` requests per second for `seconds` over `connections` sockets, `next(i)` making request
 * i; waits for every answer. Latencies are from each request's due time.
 */
export async function runOpenLoop(
  client: Client,
  options: { rate: number; seconds: number; connections: number },
  next: (i: number) => Call,
): Promise<RunResult> {
  const { rate, seconds, connections } = options;
  const total = Math.max(1, Math.round(rate * seconds));
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
      const call = next(i);
      const answer = await client.send(call);
      latencies[i] = performance.now() - dueAt(i);
      if (answer.status === 0) refused++;
      const failure =
        answer.status === 0 ? `network: ${answer.error}` : failureOf(answer.status, answer.body, call.check);
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
