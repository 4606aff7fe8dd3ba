import { randomBytes } from "node:crypto";
import type http from "node:http";
import * as grpc from "@grpc/grpc-js";
import { toStatus } from "../errors.ts";
import { BodyTooLarge, readBody } from "../http/body.ts";
import { metadataFromHeaders } from "../http/metadata.ts";
import { errorBody, sendText } from "../http/responses.ts";
import { messageFromJson, messageToJson, parseJsonRequest } from "../proto/json.ts";
import type { FirestoreMethod } from "../proto/load.ts";
import { type BackChannelSink, type ChannelLimits, ChannelSession } from "./channel.ts";
import { RpcCall, type ServiceImplementation, startCall } from "./rpc-call.ts";
import { CLOSE, frame, handshakeArray, parseForwardBody, parseInitHeaders, WireError } from "./wire.ts";

/** Limits of the channel endpoint as a whole. */
export interface ChannelEndpointLimits extends ChannelLimits {
  /** Open sessions across all clients; a handshake beyond this gets HTTP 503. */
  readonly maxSessions: number;
  /** Largest forward-channel body accepted (HTTP 413 beyond). */
  readonly maxBodyBytes: number;
}

interface OpenChannel {
  readonly method: FirestoreMethod;
  readonly session: ChannelSession;
  readonly call: RpcCall;
}

const NO_CACHE = {
  "content-type": "text/plain; charset=utf-8",
  "cache-control": "no-cache, no-store, max-age=0, must-revalidate",
  "x-content-type-options": "nosniff",
};

/** `address:port` of the client, as grpc-js reports peers. */
function peerOf(req: http.IncomingMessage): string {
  return `${req.socket.remoteAddress ?? "unknown"}:${req.socket.remotePort ?? 0}`;
}

/** The client treats a 400 whose body contains "Unknown SID" (not at offset 0) as a dead session. */
function unknownSession(res: http.ServerResponse): void {
  sendText(res, 400, "Error 400 (Bad Request): Unknown SID");
}

/**
 * Serves `/google.firestore.v1.Firestore/{Listen,Write}/channel`: the WebChannel sessions of the
 * browser SDK's streams. A handshake POST opens a session and starts the RPC's gRPC handler on an
 * `RpcCall`; forward POSTs feed it client messages (proto3 JSON); back-channel GETs carry its
 * responses; `TYPE=terminate` (or idling out) cancels it.
 */
export class ChannelEndpoint {
  private readonly implementation: ServiceImplementation;
  private readonly limits: ChannelEndpointLimits;
  private readonly open = new Map<string, OpenChannel>();

  constructor(implementation: ServiceImplementation, limits: ChannelEndpointLimits) {
    this.implementation = implementation;
    this.limits = limits;
  }

  /** Number of open sessions. */
  get size(): number {
    return this.open.size;
  }

  /** Handles one request to a bidirectional-streaming method's channel URL. */
  async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: FirestoreMethod,
    query: URLSearchParams,
  ): Promise<void> {
    const sid = query.get("SID");
    const channel = sid === null ? undefined : this.open.get(sid);
    if (query.get("TYPE") === "terminate") {
      channel?.session.close();
      req.resume();
      sendText(res, 200, "");
      return;
    }
    if (req.method === "GET" && query.get("RID") === "rpc") {
      if (!channel || channel.method !== method) return unknownSession(res);
      this.openBackChannel(channel.session, req, res, query);
      return;
    }
    if (req.method !== "POST") {
      sendText(
        res,
        405,
        "WebChannel requests are POSTs (forward channel) or GETs with RID=rpc (back channel).",
      );
      return;
    }
    let body: string;
    try {
      body = await readBody(req, this.limits.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // The connection closes once this is sent: the rest of the body is never read.
        res.writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        res.end(error.message);
      } else res.destroy();
      return;
    }
    if (sid === null) this.handshake(req, res, method, body, query);
    // The session may have ended (idled out, terminated) while the body was arriving.
    else if (!channel || channel.method !== method || channel.session.closed) unknownSession(res);
    else this.forward(res, channel, query, body);
  }

  /** Closes every session (the server is stopping). */
  close(): void {
    for (const channel of [...this.open.values()]) channel.session.close();
  }

  private handshake(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: FirestoreMethod,
    body: string,
    query: URLSearchParams,
  ) {
    if (this.open.size >= this.limits.maxSessions) {
      sendText(res, 503, "Too many open channels.");
      return;
    }
    let batch: ReturnType<typeof parseForwardBody>;
    let urlHeaders: Record<string, string>;
    try {
      batch = parseForwardBody(body);
      // Older SDKs (httpHeadersOverwriteParam) put the same header lines in a URL parameter.
      urlHeaders = parseInitHeaders(query.get("$httpHeaders") ?? "");
    } catch (error) {
      sendText(res, 400, error instanceof WireError ? error.message : "Malformed request body.");
      return;
    }
    const sid = randomBytes(18).toString("base64url");
    const metadata = metadataFromHeaders({ ...req.headers, ...urlHeaders, ...batch.headers });
    const call = new RpcCall(
      `/google.firestore.v1.Firestore/${method.name}`,
      { metadata, peer: peerOf(req), host: req.headers.host ?? "" },
      {
        message: (response) =>
          session.send([messageToJson(method.response, response as Record<string, unknown>)]),
        finish: (status) =>
          session.send(status.code === grpc.status.OK ? CLOSE : [errorBody(status.code, status.details)]),
      },
    );
    const channel: OpenChannel = {
      method,
      call,
      session: new ChannelSession(sid, this.limits, {
        message: (json) => this.deliver(channel, json),
        closed: () => {
          this.open.delete(sid);
          call.cancel();
        },
      }),
    };
    const session = channel.session;
    this.open.set(sid, channel);
    startCall(this.implementation, method.name, call, "stream");
    res.writeHead(200, { ...NO_CACHE, "X-HTTP-Session-Id": randomBytes(12).toString("base64url") });
    res.end(frame([handshakeArray(sid, this.limits.keepaliveMs)]));
    session.receive(batch.maps);
  }

  private forward(res: http.ServerResponse, channel: OpenChannel, query: URLSearchParams, body: string) {
    let batch: ReturnType<typeof parseForwardBody>;
    try {
      batch = parseForwardBody(body);
    } catch (error) {
      sendText(res, 400, error instanceof WireError ? error.message : "Malformed request body.");
      return;
    }
    acknowledge(channel.session, query);
    channel.session.receive(batch.maps);
    res.writeHead(200, NO_CACHE);
    res.end(frame(channel.session.forwardResponse()));
  }

  private openBackChannel(
    session: ChannelSession,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    query: URLSearchParams,
  ) {
    acknowledge(session, query);
    const streaming = query.get("CI") !== "1";
    const timeout = Number(query.get("TO"));
    res.writeHead(200, NO_CACHE);
    const sink: BackChannelSink = { write: (text) => res.write(text), end: () => res.end() };
    res.on("close", () => session.detach(sink));
    req.resume();
    session.attach(sink, streaming, timeout > 0 ? timeout : Number.POSITIVE_INFINITY);
  }

  /** Decodes one client message and hands it to the call; a bad one ends the call, as on gRPC. */
  private deliver(channel: OpenChannel, json: string): void {
    let request: object;
    try {
      request = messageFromJson(channel.method.request, parseJsonRequest(json));
    } catch (error) {
      const { code, details } = toStatus(error);
      channel.call.emit("error", { code, details });
      return;
    }
    channel.call.receive(request);
  }
}

/** Applies the `AID` (last array the client has seen) a request carries. */
function acknowledge(session: ChannelSession, query: URLSearchParams): void {
  const aid = Number(query.get("AID"));
  if (query.has("AID") && Number.isSafeInteger(aid)) session.acknowledge(aid);
}
