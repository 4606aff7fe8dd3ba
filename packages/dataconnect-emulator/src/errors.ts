/** gRPC canonical status codes, the vocabulary of every Data Connect error. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** Name of a gRPC status code, e.g. `"PERMISSION_DENIED"`. */
export type GrpcStatus = keyof typeof GrpcCode;

/** A source position in a `.gql` file or an operation document (1-based). */
export interface SourceLocation {
  line: number;
  column: number;
}

/** One entry of a response's `errors` array, as Data Connect encodes it. */
export interface GraphqlError {
  message: string;
  locations?: SourceLocation[];
  path?: (string | number)[];
  extensions?: { code: GrpcStatus; debugDetails?: string; file?: string; warningLevel?: string };
}

/**
 * A failure of the whole request (auth, unknown operation, unavailable database): the protocol layer
 * answers it with a non-2xx status, unlike execution errors which travel in `errors` with HTTP 200.
 */
export class RequestError extends Error {
  readonly status: GrpcStatus;
  readonly details: GraphqlError[];

  constructor(status: GrpcStatus, message: string, details: GraphqlError[] = []) {
    super(message);
    this.name = "RequestError";
    this.status = status;
    this.details = details;
  }
}

/** The message Data Connect gives every caller an operation's `@auth` turns away (pinned by SDK tests). */
export const UNAUTHORIZED_MESSAGE = "unauthorized: you are not authorized to perform this operation";
