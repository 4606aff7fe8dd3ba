/** gRPC status codes as Firestore uses them (google.rpc.Code). */
export const Code = {
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
  UNAUTHENTICATED: 16,
} as const;

/** One of the numeric status codes above. */
export type StatusCode = (typeof Code)[keyof typeof Code];

/** An error that becomes a gRPC status (code + message) when it leaves a handler. */
export class FirestoreError extends Error {
  readonly code: StatusCode;
  constructor(code: StatusCode, message: string) {
    super(message);
    this.name = "FirestoreError";
    this.code = code;
  }
}

/** INVALID_ARGUMENT: the request itself is malformed. */
export function invalidArgument(message: string): FirestoreError {
  return new FirestoreError(Code.INVALID_ARGUMENT, message);
}

/** The status a thrown value maps to: FirestoreErrors keep theirs, anything else is an INTERNAL bug. */
export function toStatus(error: unknown): { code: StatusCode; details: string } {
  if (error instanceof FirestoreError) return { code: error.code, details: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: Code.INTERNAL, details: `Internal error in the Firestore emulator: ${message}` };
}
