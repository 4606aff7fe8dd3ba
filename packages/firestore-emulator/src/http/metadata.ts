import * as grpc from "@grpc/grpc-js";

/** Request headers that describe HTTP itself rather than the call, kept out of metadata. */
const TRANSPORT_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "content-length",
  "content-type",
  "transfer-encoding",
  "te",
  "upgrade",
  "cookie",
  "accept",
  "accept-encoding",
  "accept-language",
]);

/**
 * gRPC metadata from HTTP headers (or WebChannel's init headers): `authorization`, `x-goog-*`, ...,
 * so the handlers (and through them rules and triggers) read a call's credentials the same way
 * whichever transport brought it.
 */
export function metadataFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>) {
  const metadata = new grpc.Metadata();
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (
      value === undefined ||
      TRANSPORT_HEADERS.has(name) ||
      name.startsWith("sec-") ||
      name.endsWith("-bin")
    ) {
      continue;
    }
    if (!/^[0-9a-z_.-]+$/.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      try {
        metadata.add(name, v);
      } catch {
        // A value gRPC cannot carry (control characters) is dropped, as a gRPC client could not send it.
      }
    }
  }
  return metadata;
}
