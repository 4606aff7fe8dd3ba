// Local delivery of Data Connect mutation events to `onMutationExecuted` functions. The Functions
// emulator drops those triggers (firebase-tools #10814), so `npm start` runs this relay: our Data
// Connect engine POSTs each event here (DATACONNECT_EVENT_SINK_URLS) and the relay calls every exported
// function whose trigger matches, in this process, the way Cloud Functions would (`fn(rawEvent)`).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

const MUTATION_EXECUTED = "google.firebase.dataconnect.connector.v1.mutationExecuted";

/** What firebase-functions records about an event-triggered function. */
interface EventTrigger {
  eventType: string;
  eventFilters?: Record<string, string>;
  eventFilterPathPatterns?: Record<string, string>;
}

type TriggeredFunction = ((event: unknown) => unknown) & { __endpoint?: { eventTrigger?: EventTrigger } };

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
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", async () => {
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
  return {
    url: `http://127.0.0.1:${port}/events`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
