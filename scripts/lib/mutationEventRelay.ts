// Local delivery of Data Connect mutation events to `onMutationExecuted` functions. The Functions
// emulator drops those triggers (firebase-tools #10814), so `npm start` runs this relay: our Data
// Connect engine POSTs each event here (DATACONNECT_EVENT_SINK_URLS) and the relay calls every exported
// function whose trigger matches, in this process, the way Cloud Functions would (`fn(rawEvent)`).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

const MUTATION_EXECUTED = "google.firebase.dataconnect.connector.v1.mutationExecuted";

/** Largest event the relay reads: the engine bounds variables at 1 MiB; responses stay far below this. */
const MAX_EVENT_BYTES = 32 * 1024 * 1024;

/** What firebase-functions records about an event-triggered function. */
interface EventTrigger {
  eventType: string;
  eventFilters?: Record<string, string>;
  eventFilterPathPatterns?: Record<string, string>;
}

type TriggeredFunction = ((event: unknown) => unknown) & {
  __endpoint?: { eventTrigger?: EventTrigger; scheduleTrigger?: { schedule?: string } };
  run?: (event: unknown) => unknown;
};

/** How often an App Engine-style schedule ("every 5 minutes", "every 1 hours") runs, or null for cron. */
export function scheduleIntervalMs(schedule: string | undefined): number | null {
  const m = /^every (\d+) (minute|minutes|hour|hours)$/.exec(schedule?.trim() ?? "");
  if (!m) return null;
  return Number(m[1]) * (m[2]!.startsWith("hour") ? 3_600_000 : 60_000);
}

/** Whether a mutation event (CloudEvent attributes at the top level) fires `trigger`. */
export function matchesTrigger(trigger: EventTrigger | undefined, event: Record<string, unknown>): boolean {
  if (!trigger || trigger.eventType !== MUTATION_EXECUTED || event.type !== MUTATION_EXECUTED) return false;
  for (const [key, value] of Object.entries(trigger.eventFilters ?? {}))
    if (event[key] !== value) return false;
  for (const [key, pattern] of Object.entries(trigger.eventFilterPathPatterns ?? {})) {
    // Path patterns: `*` or `{capture}` match any one value; anything else must be equal.
    if (!(pattern === "*" || /^\{[^}]+\}$/.test(pattern) || pattern === event[key])) return false;
  }
  return true;
}

/** A running relay: the URL to give the engine as an event sink. */
export interface MutationEventRelay {
  url: string;
  /**
   * Runs the scheduled functions (`onSchedule` with an "every N minutes" schedule) on their interval,
   * in this process, as Cloud Scheduler would: the Functions emulator only runs them with a Pub/Sub
   * emulator, which is a download. Resolves with their names.
   */
  startSchedules(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Serves POST /events: each CloudEvent goes to every matching function exported by `functionsEntry`
 * (imported on the first event, so the functions are built by then). Answers 200 once they finished,
 * 500 if one failed (the sender logs it).
 */
export async function startMutationEventRelay(options: {
  functionsEntry: string;
  log?: (line: string) => void;
}): Promise<MutationEventRelay> {
  const log = options.log ?? ((line: string) => console.error(line));
  let functions: Promise<TriggeredFunction[]> | undefined;
  const load = () => {
    functions ??= import(pathToFileURL(options.functionsEntry).href).then((m: Record<string, unknown>) =>
      Object.values(m).filter((f): f is TriggeredFunction => typeof f === "function"),
    );
    return functions;
  };
  const server = http.createServer((req, res) => {
    // Only the engine sends events: a web page's request (browsers always send Origin on a cross-site
    // POST) is refused before anything runs, and no body may grow past the bound.
    if (req.headers.origin !== undefined) {
      res.writeHead(403, { connection: "close" }).end();
      req.resume();
      return;
    }
    let body = "";
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_EVENT_BYTES) {
        refused = true;
        body = "";
        res.writeHead(413, { connection: "close" }).end();
        log(`mutation event relay: refused an event over ${MAX_EVENT_BYTES} bytes`);
        return;
      }
      body += chunk;
    });
    req.on("end", async () => {
      if (refused) return;
      try {
        if (req.method !== "POST" || req.url !== "/events") {
          res.writeHead(404).end();
          return;
        }
        const event = JSON.parse(body) as Record<string, unknown>;
        const targets = (await load()).filter((fn) => matchesTrigger(fn.__endpoint?.eventTrigger, event));
        await Promise.all(targets.map((fn) => fn(event)));
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ delivered: targets.length }));
      } catch (error) {
        log(`mutation event relay: ${error instanceof Error ? error.message : error}`);
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const timers: NodeJS.Timeout[] = [];
  return {
    url: `http://127.0.0.1:${port}/events`,
    async startSchedules() {
      const names: string[] = [];
      const exported = await import(pathToFileURL(options.functionsEntry).href);
      for (const [name, fn] of Object.entries(exported as Record<string, TriggeredFunction>)) {
        const every = scheduleIntervalMs(fn?.__endpoint?.scheduleTrigger?.schedule);
        if (!every || typeof fn.run !== "function") continue;
        const run = fn.run.bind(fn);
        let running = false;
        const tick = async () => {
          if (running) return; // never two runs of one function at once
          running = true;
          try {
            await run({ scheduleTime: new Date().toISOString(), jobName: name });
          } catch (error) {
            log(`scheduled function ${name}: ${error instanceof Error ? error.message : error}`);
          } finally {
            running = false;
          }
        };
        timers.push(setInterval(tick, every).unref());
        names.push(name);
      }
      return names;
    },
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.close(() => resolve());
      }),
  };
}
