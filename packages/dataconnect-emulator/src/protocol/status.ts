import { type GraphqlError, GrpcCode, type GrpcStatus, RequestError } from "../errors.ts";

// grpc-gateway's mapping from canonical codes to HTTP statuses (spec §1.7).
const HTTP_STATUS: Record<GrpcStatus, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

const GRAPHQL_ERROR_TYPE = "type.googleapis.com/google.firebase.dataconnect.http.GraphqlError";

/** The body of every non-2xx answer: grpc-gateway's `Status` JSON, which the web SDK and admin both read. */
export interface ErrorBody {
  code: number;
  message: string;
  details: ({ "@type": string } & GraphqlError)[];
}

/** The HTTP status grpc-gateway gives a gRPC status. */
export function httpStatusOf(status: GrpcStatus): number {
  return HTTP_STATUS[status];
}

/** Any thrown value as a request-level error: `RequestError` as is, anything else as INTERNAL with its message. */
export function asRequestError(error: unknown): RequestError {
  if (error instanceof RequestError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RequestError("INTERNAL", message || "internal error");
}

/** The status and body a request-level error is answered with. */
export function encodeRequestError(error: RequestError): { httpStatus: number; body: ErrorBody } {
  return {
    httpStatus: httpStatusOf(error.status),
    body: {
      code: GrpcCode[error.status],
      message: error.message,
      details: error.details.map((detail) => ({ "@type": GRAPHQL_ERROR_TYPE, ...detail })),
    },
  };
}
