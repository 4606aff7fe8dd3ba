import type http from "node:http";
import { firestoreMethod } from "../proto/json.ts";
import { ChannelEndpoint, type ChannelEndpointLimits } from "./channel-endpoint.ts";
import { applyCors } from "./cors.ts";
import { sendText } from "./http-util.ts";
import type { ServiceImplementation } from "./rpc-call.ts";
import { handleUnary, matchUnaryRoute } from "./unary.ts";

/** Defaults of the browser transport's limits. */
export const DEFAULT_BROWSER_LIMITS: ChannelEndpointLimits = {
  keepaliveMs: 20_000,
  sessionIdleMs: 60_000,
  recycleBytes: 1 << 20,
  maxUnackedBytes: 64 << 20,
  maxEarlyMaps: 1000,
  maxSessions: 10_000,
  maxBodyBytes: 64 << 20,
};

/** The browser transport mounted in front of the other HTTP/1.1 routes. */
export interface BrowserTransport {
  /** The request listener: browser routes here, everything else to the fallback. */
  readonly handle: http.RequestListener;
  /** Open WebChannel sessions. */
  readonly openChannels: () => number;
  /** Closes every WebChannel session. */
  close(): void;
}

const CHANNEL_ROUTE = /^\/google\.firestore\.v1\.Firestore\/([A-Za-z]+)\/channel$/;

/**
 * What the web SDK speaks in browsers, on the emulator's HTTP/1.1 port: the WebChannel sessions of
 * Listen and Write, and the unary RPCs it POSTs as JSON. Both run the gRPC service's own handlers.
 * CORS applies to every HTTP route (the fallback's too): pages served from this machine may call,
 * others are refused.
 */
export function browserTransport(
  implementation: ServiceImplementation,
  fallback: http.RequestListener,
  limits: Partial<ChannelEndpointLimits> = {},
): BrowserTransport {
  const settings = { ...DEFAULT_BROWSER_LIMITS, ...limits };
  const channels = new ChannelEndpoint(implementation, settings);
  const failed = (res: http.ServerResponse) => (error: unknown) => {
    console.error("firestore-emulator: browser request failed:", error);
    if (!res.headersSent) sendText(res, 500, "Internal error in the Firestore emulator.");
    else res.destroy();
  };
  return {
    handle(req, res) {
      if (!applyCors(req, res)) return;
      const url = new URL(req.url ?? "/", "http://localhost");
      const channel = CHANNEL_ROUTE.exec(url.pathname);
      const method = channel ? firestoreMethod(channel[1]!) : undefined;
      if (method?.clientStreaming && method.serverStreaming) {
        channels.handle(req, res, method, url.searchParams).catch(failed(res));
        return;
      }
      const unary = matchUnaryRoute(req.method, url.pathname);
      if (unary) {
        handleUnary(implementation, unary, req, res, settings.maxBodyBytes).catch(failed(res));
        return;
      }
      fallback(req, res);
    },
    openChannels: () => channels.size,
    close: () => channels.close(),
  };
}
