import type { IncomingMessage, ServerResponse } from "node:http";
import { callerFromAuthHeader } from "../auth/id-token.ts";
import { callerFromImpersonation } from "../auth/impersonation.ts";
import type { ConnectorRequest, GraphqlResponse, Service } from "../engine/types.ts";
import { GrpcCode, RequestError } from "../errors.ts";
import type { Logger } from "../runtime/log.ts";
import {
  BodyBudget,
  BusyError,
  DEFAULT_MAX_BODY_BYTES,
  PayloadTooLargeError,
  parseJsonBody,
  RequestAbortedError,
  readBody,
} from "./body.ts";
import type { Broadcast } from "./broadcast.ts";
import type { EmulatorControl } from "./control.ts";
import { corsHeaders, isBrowserRequest, preflightHeaders } from "./cors.ts";
import {
  configureBodySchema,
  connectorBodySchema,
  graphqlBodySchema,
  impersonateBodySchema,
  parseRequestBody,
} from "./requests.ts";
import { methodOf, parseRoute, type Route, servesBrowsers } from "./routes.ts";
import type { ServiceHolder } from "./service-holder.ts";
import { asRequestError, encodeRequestError } from "./status.ts";

/** What the HTTP layer serves: the current Data Connect service and the emulator's management side. */
export interface HandlerOptions {
  services: ServiceHolder;
  control: EmulatorControl;
  log: Logger;
  maxBodyBytes?: number;
  /** Bytes of request bodies held at once over all requests (default 256 MiB); past it, 429. */
  maxBufferedBodyBytes?: number;
  /** That budget, when it is shared with another endpoint (the realtime stream's messages in flight). */
  budget?: BodyBudget;
}

type Headers = Record<string, string>;

/**
 * The emulator's whole HTTP surface as a `node:http` request listener: CORS, routing, body validation,
 * identity, dispatch to the core and error encoding. It never throws and always answers (or drops a
 * request whose client is gone).
 */
export function createRequestHandler(
  options: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const budget = options.budget ?? new BodyBudget(options.maxBufferedBodyBytes);
  const { log } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number | undefined> {
    const pathname = new URL(req.url ?? "/", "http://emulator").pathname;
    const route = parseRoute(pathname);
    const forBrowsers = route !== null && servesBrowsers(route);
    // Only browser-facing endpoints carry CORS headers: other answers stay unreadable to pages.
    const cors = forBrowsers ? corsHeaders(req.headers) : {};
    if (!forBrowsers && isBrowserRequest(req.headers)) {
      // Before the body is read: a page must not be able to drive admin or management endpoints at all.
      return sendError(
        res,
        {},
        new RequestError(
          "PERMISSION_DENIED",
          `${pathname} is not served to web pages (Origin: ${req.headers.origin ?? "none"}): browsers may only call a connector's executeQuery and executeMutation; call it from a server, the Admin SDK or a tool`,
        ),
        true,
      );
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204, forBrowsers ? preflightHeaders(req.headers) : { Allow: "GET, POST, OPTIONS" }).end();
      return 204;
    }
    if (!route) {
      return sendError(
        res,
        cors,
        new RequestError("NOT_FOUND", `no such endpoint: ${req.method} ${pathname}`),
      );
    }
    const method = methodOf(route);
    if (req.method !== method) {
      const message = `method ${req.method} is not allowed on ${pathname}; use ${method}`;
      return sendJson(
        res,
        405,
        { ...cors, Allow: `${method}, OPTIONS` },
        errorBody("UNIMPLEMENTED", message),
      );
    }
    if (route.kind === "management" && route.endpoint !== "configure") {
      return serveManagementGet(req, res, cors, route.endpoint);
    }
    const raw = await readBody(req, maxBodyBytes, budget);
    res.on("close", () => budget.give(raw.length));
    const body = parseJsonBody(raw);
    if (route.kind === "management") {
      await options.control.configure(parseRequestBody(configureBodySchema, body));
      return sendJson(res, 200, cors, {});
    }
    return sendJson(res, 200, cors, await execute(req, route, body));
  }

  async function execute(req: IncomingMessage, route: Exclude<Route, { kind: "management" }>, body: unknown) {
    if (route.kind === "service") {
      const request = parseRequestBody(graphqlBodySchema, body);
      const caller = callerFromImpersonation(request.extensions.impersonate);
      return withService(route.serviceId, (service) =>
        service.executeGraphql({
          query: request.query,
          ...(request.operationName !== undefined && { operationName: request.operationName }),
          variables: request.variables,
          readOnly: route.method === "executeGraphqlRead",
          caller,
        }),
      );
    }
    const { operationName, variables, caller } = route.method.startsWith("impersonate")
      ? impersonatedCall(body)
      : endUserCall(body, req.headers["x-firebase-auth-token"]);
    return withService(route.serviceId, (service) =>
      service.executeConnector({
        connector: route.connectorId,
        operationName,
        variables,
        kind: route.method.endsWith("Query") ? "query" : "mutation",
        caller,
      }),
    );
  }

  async function withService(
    serviceId: string,
    run: (service: Service) => Promise<GraphqlResponse>,
  ): Promise<GraphqlResponse> {
    const lease = options.services.acquire();
    try {
      if (lease.service.serviceId !== serviceId) {
        throw new RequestError(
          "NOT_FOUND",
          `service "${serviceId}" not found: this emulator serves "${lease.service.serviceId}"`,
        );
      }
      return await run(lease.service);
    } finally {
      lease.release();
    }
  }

  function serveManagementGet(
    req: IncomingMessage,
    res: ServerResponse,
    cors: Headers,
    endpoint: "info" | "stream_issues" | "stream_errors",
  ): number | undefined {
    if (endpoint === "info") return sendJson(res, 200, cors, options.control.info());
    const requested = new URL(req.url ?? "/", "http://emulator").searchParams.get("serviceId");
    const served = options.control.serviceId();
    if (requested && served && requested !== served) {
      return sendError(
        res,
        cors,
        new RequestError("NOT_FOUND", `service "${requested}" not found: this emulator serves "${served}"`),
      );
    }
    if (endpoint === "stream_issues") {
      stream(res, cors, options.control.issues, (issues) => ({ result: { issues } }));
    } else {
      stream(res, cors, options.control.errors, (errors) => ({ result: { errors } }));
    }
    return 200;
  }

  return (req, res) => {
    const started = Date.now();
    handle(req, res).then(
      (status) => log.debug(2, `${req.method} ${req.url} ${status ?? "-"} ${Date.now() - started}ms`),
      (error: unknown) => {
        if (error instanceof RequestAbortedError) {
          log.debug(1, `${req.method} ${req.url}: ${error.message}`);
          return;
        }
        const requestError = asRequestError(error);
        if (!(error instanceof RequestError)) {
          log.error(`${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
        }
        const route = parseRoute(new URL(req.url ?? "/", "http://emulator").pathname);
        const cors = route && servesBrowsers(route) ? corsHeaders(req.headers) : {};
        const unread = error instanceof PayloadTooLargeError || error instanceof BusyError;
        const status = sendError(res, cors, requestError, unread);
        log.debug(
          2,
          `${req.method} ${req.url} ${status ?? "-"} ${Date.now() - started}ms: ${requestError.message}`,
        );
        if (unread) {
          // The rest of the body is not worth reading: answer, then hang up.
          res.on("finish", () => req.destroy());
        }
      },
    );
  };
}

type ConnectorCall = Pick<ConnectorRequest, "operationName" | "variables" | "caller">;

/** `:executeQuery` / `:executeMutation`: the end user named by the ID token header (or signed out). */
function endUserCall(body: unknown, authHeader: string | string[] | undefined): ConnectorCall {
  const { operationName, variables } = parseRequestBody(connectorBodySchema, body);
  return { operationName, variables, caller: callerFromAuthHeader(authHeader) };
}

/** `:impersonateQuery` / `:impersonateMutation`: the admin, or whom it impersonates. */
function impersonatedCall(body: unknown): ConnectorCall {
  const { operationName, variables, extensions } = parseRequestBody(impersonateBodySchema, body);
  return { operationName, variables, caller: callerFromImpersonation(extensions.impersonate) };
}

function errorBody(status: keyof typeof GrpcCode, message: string) {
  return { code: GrpcCode[status], message, details: [] };
}

/** Answers a request-level error; `hangUp` closes the connection after (its body is left unread). */
function sendError(
  res: ServerResponse,
  cors: Headers,
  error: RequestError,
  hangUp = false,
): number | undefined {
  const { httpStatus, body } = encodeRequestError(error);
  // A body over the size limit is 413 (RESOURCE_EXHAUSTED in the body), not grpc-gateway's 429.
  const status = error instanceof PayloadTooLargeError ? 413 : httpStatus;
  return sendJson(res, status, hangUp ? { ...cors, Connection: "close" } : cors, body);
}

function sendJson(res: ServerResponse, status: number, headers: Headers, body: unknown): number | undefined {
  if (res.headersSent || res.destroyed) return undefined;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
  return status;
}

// VS Code JSON.parses every chunk it receives: one complete object per write, never split or merged.
function stream<T>(
  res: ServerResponse,
  cors: Headers,
  source: Broadcast<T>,
  wrap: (value: T) => unknown,
): void {
  res.writeHead(200, {
    ...cors,
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-cache",
  });
  const write = (value: T) => {
    if (!res.destroyed) res.write(`${JSON.stringify(wrap(value))}\n`);
  };
  write(source.value);
  const unsubscribe = source.subscribe(write);
  res.on("close", unsubscribe);
}
