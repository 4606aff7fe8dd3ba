/**
 * WebChannel's wire format, version 8 (Closure's goog.labs.net.webChannel.WireV8 and ChannelRequest):
 * what the client's forward-channel POST bodies hold and how server responses are framed. Pure.
 */

/** The channel protocol version this server speaks (the `VER` query parameter). */
export const CHANNEL_VERSION = 8;

/** The key under which a client sending `sendRawJson` puts each message's JSON text. */
const RAW_DATA_KEY = "__data__";

/** A protocol violation: answered with HTTP 400 and this message. */
export class WireError extends Error {
  override readonly name = "WireError";
}

/** One client message ("map") with its sequence number. */
export interface ForwardMap {
  readonly id: number;
  /** The message's JSON text (the `__data__` entry of a raw-JSON map). */
  readonly json: string;
}

/** A decoded forward-channel body. */
export interface ForwardBatch {
  /** Headers the handshake carries in its body (`encodeInitMessageHeaders`), lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly maps: readonly ForwardMap[];
}

const MAX_MAPS_PER_REQUEST = 1000;

/**
 * Decodes a forward-channel body: `[headers=H&]count=N&ofs=K&req0___data__=J0&req1___data__=J1...`
 * (form-encoded; map i has id K+i). Maps the client marked `_badmap` are skipped.
 */
export function parseForwardBody(body: string): ForwardBatch {
  const params = new URLSearchParams(body);
  const headersText = params.get("headers");
  const headers = headersText === null ? {} : parseInitHeaders(headersText);
  const countText = params.get("count");
  if (countText === null) {
    if (body.trim() === "" || headersText !== null) return { headers, maps: [] };
    throw new WireError("The request body has no message count.");
  }
  const count = Number(countText);
  const offset = Number(params.get("ofs") ?? "0");
  if (!Number.isInteger(count) || count < 0 || count > MAX_MAPS_PER_REQUEST) {
    throw new WireError(`Invalid message count "${countText}".`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw new WireError("Invalid message offset.");
  const maps: ForwardMap[] = [];
  for (let i = 0; i < count; i++) {
    const json = params.get(`req${i}_${RAW_DATA_KEY}`);
    if (json !== null) maps.push({ id: offset + i, json });
    else if (params.get(`req${i}_type`) !== "_badmap") {
      throw new WireError(`Message ${i} is not a raw JSON message (the client must set sendRawJson).`);
    }
  }
  return { headers, maps };
}

/** Parses `Name:value\r\n` lines (Closure's encoded init headers) into lower-cased names. */
export function parseInitHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const line of text.split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new WireError("Malformed headers parameter.");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * JSON with every non-ASCII character escaped. The client measures chunk lengths in UTF-16 code
 * units of the decoded text; with pure ASCII that is also the byte count, so the two cannot disagree.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Frames one chunk: its length in characters, a newline, then the JSON text. */
export function frame(value: unknown): string {
  const text = asciiJson(value);
  return `${text.length}\n${text}`;
}

/** A server array: its id and payload. Message payloads are one-element arrays holding the message. */
export type ServerArray = readonly [id: number, payload: readonly unknown[]];

/**
 * The handshake's only array: `["c", sessionId, hostPrefix, version, serverVersion, keepaliveMs]`.
 * The client sets its back-channel timeout to 1.5 × keepaliveMs (client version 22 and later).
 */
export function handshakeArray(sessionId: string, keepaliveMs: number): ServerArray {
  return [0, ["c", sessionId, "", CHANNEL_VERSION, null, keepaliveMs]];
}

/** The keep-alive array the client ignores. */
export const NOOP: readonly unknown[] = ["noop"];

/** Tells the client to close the channel cleanly (it then sends a terminate request). */
export const CLOSE: readonly unknown[] = ["close"];

/**
 * The forward-channel response: `[backChannelPresent (0|1), lastArrayIdSent, outstandingBytes]`.
 * With 0 the client restarts its back channel; arrays beyond what it has seen make it expect them.
 */
export function forwardResponse(backChannelPresent: boolean, lastArrayId: number, outstandingBytes: number) {
  return [backChannelPresent ? 1 : 0, lastArrayId, outstandingBytes];
}
