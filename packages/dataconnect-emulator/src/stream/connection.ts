// One WebSocket stream of one client: who it is (the ID token in message headers), which connector it
// talks to (`name` on its first message), its executes and its subscriptions.
import type { WebSocket } from "ws";
import { callerFromAuthHeader } from "../auth/id-token.ts";
import type { Caller, GraphqlResponse } from "../engine/types.ts";
import { RequestError } from "../errors.ts";
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from "../limits/nesting.ts";
import { checkVariables, type VariableLimits } from "../limits/variables.ts";
import type { BodyBudget } from "../protocol/body.ts";
import type { ServiceHolder } from "../protocol/service-holder.ts";
import type { RefreshHub, Subscription } from "../realtime/hub.ts";
import type { Logger } from "../runtime/log.ts";
import {
  errorResponse,
  parseConnectorName,
  parseStreamRequest,
  resultFrame,
  type StreamRequest,
} from "./wire.ts";

/** Limits that keep one client from crowding out the others. */
export interface StreamLimits {
  /** Subscriptions open at once on one stream. */
  maxSubscriptions: number;
  /** Executes run at once on one stream; more wait in line. */
  maxConcurrentExecutes: number;
  /** Executes waiting in line; past that they are refused with RESOURCE_EXHAUSTED. */
  maxQueuedExecutes: number;
  /** Bytes the client has not read yet; past that it is too slow and the stream is closed. */
  maxBufferedBytes: number;
  /** Bytes of subscribe messages one stream keeps while their subscriptions live. */
  maxSubscriptionBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxSubscriptions: 10_000,
  maxSubscriptionBytes: 16 * 1024 * 1024,
  maxConcurrentExecutes: 8,
  maxQueuedExecutes: 1_000,
  maxBufferedBytes: 16 * 1024 * 1024,
};

/** Close codes (RFC 6455). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  invalidPayload: 1007,
  policy: 1008,
  tryAgain: 1013,
} as const;

/** What every stream of an emulator shares. */
export interface StreamContext {
  services: ServiceHolder;
  hub: RefreshHub;
  log: Logger;
  limits: StreamLimits;
  /** The bounds unary calls put on variables. */
  variableLimits: VariableLimits;
  /** Bytes of messages in flight over all streams (and HTTP bodies, when shared). */
  budget: BodyBudget;
}

/** Serves one client's stream until it closes. */
export class StreamConnection {
  readonly #socket: WebSocket;
  readonly #services: ServiceHolder;
  readonly #hub: RefreshHub;
  readonly #log: Logger;
  readonly #limits: StreamLimits;
  readonly #variableLimits: VariableLimits;
  readonly #budget: BodyBudget;
  #connector: { serviceId: string; connectorId: string } | undefined;
  #caller: Caller = { kind: "user", auth: null };
  readonly #subscriptions = new Map<string, { subscription: Subscription; bytes: number }>();
  #subscriptionBytes = 0;
  #executing = 0;
  readonly #waiting: (() => void)[] = [];
  #closed = false;

  constructor(socket: WebSocket, options: StreamContext) {
    this.#socket = socket;
    this.#services = options.services;
    this.#hub = options.hub;
    this.#log = options.log;
    this.#limits = options.limits;
    this.#variableLimits = options.variableLimits;
    this.#budget = options.budget;
    // Text and binary frames alike carry JSON.
    socket.on("message", (data) => this.#onMessage(data as Buffer | Buffer[]));
    socket.on("close", () => this.#onClose());
    socket.on("error", (error) => this.#log.debug(1, `stream error: ${error.message}`));
  }

  /** Subscriptions open on this stream. */
  get subscriptions(): number {
    return this.#subscriptions.size;
  }

  #onMessage(data: Buffer | Buffer[]): void {
    const raw = Buffer.isBuffer(data) ? data : Buffer.concat(data);
    // As request bodies: refused before parsing, since what walks the parsed value would pay for depth.
    if (jsonNestsDeeperThan(raw, MAX_JSON_DEPTH)) {
      this.#close(CLOSE.invalidPayload, `stream messages may nest at most ${MAX_JSON_DEPTH} levels`);
      return;
    }
    const text = raw.toString("utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.#close(CLOSE.invalidPayload, "stream messages are JSON");
      return;
    }
    const parsed = parseStreamRequest(value);
    if (!parsed.ok) {
      const { requestId, message } = parsed.error;
      // Without a request id there is no one to answer: the client does not speak this protocol.
      if (requestId === undefined)
        this.#close(CLOSE.policy, `invalid stream message: ${message}`.slice(0, 120));
      else this.#reply(requestId, errorResponse("INVALID_ARGUMENT", `invalid stream message: ${message}`));
      return;
    }
    const request = parsed.request;
    try {
      this.#adopt(request);
    } catch (error) {
      const e = error as RequestError;
      this.#reply(request.requestId, errorResponse(e.status ?? "INVALID_ARGUMENT", e.message));
      return;
    }
    if (request.action.verb === "execute" || request.action.verb === "subscribe") {
      try {
        checkVariables(request.action.variables, this.#variableLimits);
      } catch (error) {
        const e = error as RequestError;
        this.#reply(
          request.requestId,
          errorResponse(e.status, e.message),
          request.action.verb === "subscribe",
        );
        return;
      }
    }
    this.#dispatch(request, raw.length);
  }

  /** Takes the connector (`name`) and identity (`X-Firebase-Auth-Token`) a message carries. */
  #adopt(request: StreamRequest): void {
    if (request.name !== undefined) {
      const named = parseConnectorName(request.name);
      if (!named) {
        throw new RequestError(
          "INVALID_ARGUMENT",
          `name must be projects/{project}/locations/{location}/services/{service}/connectors/{connector}, got ${JSON.stringify(request.name)}`,
        );
      }
      if (
        this.#connector &&
        (this.#connector.serviceId !== named.serviceId || this.#connector.connectorId !== named.connectorId)
      ) {
        throw new RequestError("INVALID_ARGUMENT", "a stream talks to one connector; open another stream");
      }
      this.#connector = named;
    }
    const token = request.headers["x-firebase-auth-token"];
    // Sent on the first message and whenever the token changed; absent afterwards means unchanged.
    if (token !== undefined) this.#caller = callerFromAuthHeader(token);
    if (!this.#connector) {
      throw new RequestError(
        "INVALID_ARGUMENT",
        "the first message of a stream must name its connector (`name`)",
      );
    }
  }

  #dispatch(request: StreamRequest, bytes: number): void {
    const { requestId, action } = request;
    const connector = this.#connector!;
    switch (action.verb) {
      case "execute":
        this.#execute(requestId, connector, action.operationName, action.variables, bytes);
        return;
      case "subscribe": {
        if (this.#subscriptions.has(requestId)) {
          this.#reply(
            requestId,
            errorResponse("ALREADY_EXISTS", `request ${requestId} is already subscribed`),
          );
          return;
        }
        if (this.#subscriptions.size >= this.#limits.maxSubscriptions) {
          this.#reply(
            requestId,
            errorResponse(
              "RESOURCE_EXHAUSTED",
              `a stream holds at most ${this.#limits.maxSubscriptions} subscriptions`,
            ),
            true,
          );
          return;
        }
        if (this.#subscriptionBytes + bytes > this.#limits.maxSubscriptionBytes) {
          this.#reply(
            requestId,
            errorResponse(
              "RESOURCE_EXHAUSTED",
              `a stream's subscriptions may hold at most ${this.#limits.maxSubscriptionBytes} bytes of requests`,
            ),
            true,
          );
          return;
        }
        const serviceCheck = this.#serviceMismatch(connector.serviceId);
        if (serviceCheck) {
          this.#reply(requestId, serviceCheck, true);
          return;
        }
        const subscription = this.#hub.subscribe(
          {
            connector: connector.connectorId,
            operationName: action.operationName,
            variables: action.variables,
          },
          {
            caller: () => this.#caller,
            send: (response, final) => {
              if (final) this.#forget(requestId);
              this.#reply(requestId, response, final);
            },
          },
        );
        this.#subscriptions.set(requestId, { subscription, bytes });
        this.#subscriptionBytes += bytes;
        return;
      }
      case "resume": {
        const subscription = this.#subscriptions.get(requestId)?.subscription;
        if (subscription) subscription.resume();
        else
          this.#reply(requestId, errorResponse("NOT_FOUND", `no subscription ${requestId} on this stream`));
        return;
      }
      case "cancel":
        // Nothing is sent back: the SDK has already forgotten the request id.
        this.#subscriptions.get(requestId)?.subscription.cancel();
        this.#forget(requestId);
        return;
    }
  }

  #forget(requestId: string): void {
    const held = this.#subscriptions.get(requestId);
    if (!held) return;
    this.#subscriptions.delete(requestId);
    this.#subscriptionBytes -= held.bytes;
  }

  #execute(
    requestId: string,
    connector: { serviceId: string; connectorId: string },
    operationName: string,
    variables: Record<string, unknown>,
    bytes: number,
  ): void {
    if (this.#waiting.length >= this.#limits.maxQueuedExecutes) {
      this.#reply(
        requestId,
        errorResponse("RESOURCE_EXHAUSTED", "too many requests in flight on this stream"),
      );
      return;
    }
    // The message is held until it is answered, against the budget HTTP bodies in flight share.
    if (!this.#budget.take(bytes)) {
      this.#reply(
        requestId,
        errorResponse(
          "RESOURCE_EXHAUSTED",
          "too many large requests are being received at once; retry later",
        ),
      );
      return;
    }
    const caller = this.#caller;
    const run = async () => {
      if (this.#closed) {
        this.#budget.give(bytes);
        return;
      }
      this.#executing++;
      try {
        const mismatch = this.#serviceMismatch(connector.serviceId);
        if (mismatch) return this.#reply(requestId, mismatch);
        const lease = this.#services.acquire();
        try {
          const response = await lease.service.executeConnector({
            connector: connector.connectorId,
            operationName,
            variables,
            caller,
          });
          this.#reply(requestId, response);
        } finally {
          lease.release();
        }
      } catch (error) {
        if (!(error instanceof RequestError)) {
          this.#log.error(`stream execute ${operationName} failed: ${(error as Error)?.stack ?? error}`);
        }
        const e =
          error instanceof RequestError ? error : new RequestError("INTERNAL", (error as Error).message);
        this.#reply(requestId, errorResponse(e.status, e.message));
      } finally {
        this.#budget.give(bytes);
        this.#executing--;
        this.#waiting.shift()?.();
      }
    };
    if (this.#executing < this.#limits.maxConcurrentExecutes) void run();
    else this.#waiting.push(() => void run());
  }

  /** NOT_FOUND when the stream names a service this emulator does not serve. */
  #serviceMismatch(serviceId: string): GraphqlResponse | undefined {
    const served = this.#services.service?.serviceId;
    if (served === undefined || served === serviceId) return undefined;
    return errorResponse("NOT_FOUND", `service "${serviceId}" not found: this emulator serves "${served}"`);
  }

  #reply(requestId: string, response: GraphqlResponse, cancelled = false): void {
    if (this.#closed || this.#socket.readyState !== this.#socket.OPEN) return;
    if (this.#socket.bufferedAmount > this.#limits.maxBufferedBytes) {
      this.#close(CLOSE.tryAgain, "the client reads too slowly");
      return;
    }
    this.#socket.send(resultFrame(requestId, response, cancelled));
  }

  #close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#log.debug(1, `closing stream: ${code} ${reason}`);
    this.#socket.close(code, reason);
    this.#onClose();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { subscription } of this.#subscriptions.values()) subscription.cancel();
    this.#subscriptions.clear();
    this.#subscriptionBytes = 0;
    // Executes still waiting give their bytes back without running.
    for (const start of this.#waiting.splice(0)) start();
  }
}
