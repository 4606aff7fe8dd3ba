import type http from "node:http";

/**
 * Reads a request body as UTF-8, up to `maxBytes`: a larger body fails with `tooLarge()` and its
 * connection is dropped, so nobody can make the server buffer without bound.
 */
export function readBody(
  req: http.IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge());
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
