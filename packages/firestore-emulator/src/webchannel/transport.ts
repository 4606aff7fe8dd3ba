import type { HttpRoute } from "../http/front.ts";
import { MAX_REQUEST_BYTES } from "../limits/production.ts";
import { firestoreMethod } from "../proto/load.ts";
import { ChannelEndpoint, type ChannelEndpointLimits } from "./channel-endpoint.ts";
import type { ServiceImplementation } from "./rpc-call.ts";

/** Defaults of the browser transport's limits. */
export const DEFAULT_BROWSER_LIMITS: ChannelEndpointLimits = {
  keepaliveMs: 20_000,
  sessionIdleMs: 60_000,
  recycleBytes: 1 << 20,
  maxUnackedBytes: 64 << 20,
  maxEarlyMaps: 1000,
  // The SDK never leaves a gap (one forward request at a time, retried whole): one body's worth is plenty.
  maxEarlyBytes: MAX_REQUEST_BYTES,
  maxSessions: 10_000,
  maxBodyBytes: MAX_REQUEST_BYTES,
};

/** The browser transport's WebChannel endpoint, as mounted on the HTTP/1.1 front. */
export interface BrowserTransport {
  /** The route of `/google.firestore.v1.Firestore/{Listen,Write}/channel`. */
  readonly route: HttpRoute;
  /** Open WebChannel sessions. */
  readonly openChannels: () => number;
  /** Closes every WebChannel session. */
  close(): void;
}

const CHANNEL_ROUTE = /^\/google\.firestore\.v1\.Firestore\/([A-Za-z]+)\/channel$/;

/**
 * The streams the web SDK speaks in browsers: WebChannel sessions of Listen and Write, running the
 * gRPC service's own handlers. (Its unary calls are REST calls, served by the REST API; CORS is the
 * HTTP front's, for every route.)
 */
export function browserTransport(
  implementation: ServiceImplementation,
  limits: Partial<ChannelEndpointLimits> = {},
): BrowserTransport {
  const channels = new ChannelEndpoint(implementation, { ...DEFAULT_BROWSER_LIMITS, ...limits });
  return {
    route(req, res, url) {
      const channel = CHANNEL_ROUTE.exec(url.pathname);
      const method = channel ? firestoreMethod(channel[1]!) : undefined;
      if (!method?.clientStreaming || !method.serverStreaming) return undefined;
      return channels.handle(req, res, method, url.searchParams);
    },
    openChannels: () => channels.size,
    close: () => channels.close(),
  };
}
