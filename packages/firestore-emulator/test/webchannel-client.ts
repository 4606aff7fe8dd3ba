/**
 * A bare WebChannel client for protocol tests: the requests Closure's WebChannelBase makes (handshake,
 * forward POSTs, back-channel GETs, terminate), with no retries or smarts, so tests see the wire.
 */

/** Decodes a chunked WebChannel response body: `len\njson` repeated. */
export function decodeChunks(body: string): unknown[] {
  const out: unknown[] = [];
  let at = 0;
  while (at < body.length) {
    const nl = body.indexOf("\n", at);
    const length = Number(body.slice(at, nl));
    out.push(JSON.parse(body.slice(nl + 1, nl + 1 + length)));
    at = nl + 1 + length;
  }
  return out;
}

/** The messages (payload[0]) of server arrays, skipping keep-alives. */
export function messagesOf(arrays: [number, unknown[]][]): Record<string, unknown>[] {
  return arrays.filter(([, p]) => p[0] !== "noop").map(([, p]) => p[0] as Record<string, unknown>);
}

function form(maps: readonly object[], offset: number, headers?: string): string {
  const parts = headers ? [`headers=${encodeURIComponent(headers)}`] : [];
  parts.push(`count=${maps.length}`, `ofs=${offset}`);
  for (const [i, m] of maps.entries())
    parts.push(`req${i}___data__=${encodeURIComponent(JSON.stringify(m))}`);
  return parts.join("&");
}

/** One open channel. */
export class RawChannel {
  readonly url: string;
  readonly sid: string;
  private nextMap: number;
  private rid = 100;
  lastArrayId = 0;

  private constructor(url: string, sid: string, nextMap: number) {
    this.url = url;
    this.sid = sid;
    this.nextMap = nextMap;
  }

  /** Opens a channel to `method` with a first message, as the SDK does. */
  static async open(
    address: string,
    method: "Listen" | "Write",
    first: object,
    init: { headers?: string; origin?: string } = {},
  ): Promise<RawChannel> {
    const url = `http://${address}/google.firestore.v1.Firestore/${method}/channel`;
    const response = await fetch(`${url}?VER=8&RID=1&CVER=22&X-HTTP-Session-Id=gsessionid&t=1`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(init.origin ? { origin: init.origin } : {}),
      },
      body: form([first], 0, init.headers),
    });
    if (response.status !== 200) throw new Error(`handshake: ${response.status} ${await response.text()}`);
    const [arrays] = decodeChunks(await response.text()) as [[number, unknown[]][]];
    const c = arrays[0]![1];
    if (c[0] !== "c") throw new Error(`no "c" array: ${JSON.stringify(arrays)}`);
    return new RawChannel(url, c[1] as string, 1);
  }

  /** A forward POST with the next messages; returns `[backChannelPresent, lastArrayId, outstanding]`. */
  async send(...messages: object[]): Promise<number[]> {
    const body = form(messages, this.nextMap);
    this.nextMap += messages.length;
    return this.post(body);
  }

  /** Re-sends messages with explicit ids (a retried forward request). */
  async resend(offset: number, ...messages: object[]): Promise<number[]> {
    return this.post(form(messages, offset));
  }

  private async post(body: string): Promise<number[]> {
    const response = await fetch(
      `${this.url}?VER=8&SID=${this.sid}&RID=${this.rid++}&AID=${this.lastArrayId}&t=1`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      },
    );
    if (response.status !== 200) throw new Error(`forward: ${response.status} ${await response.text()}`);
    return decodeChunks(await response.text())[0] as number[];
  }

  /** A long poll (CI=1) acknowledging `aid` (default: everything seen); returns the arrays. */
  async poll(aid = this.lastArrayId): Promise<[number, unknown[]][]> {
    const response = await fetch(`${this.backUrl(aid)}&CI=1`);
    if (response.status !== 200) throw new Error(`back channel: ${response.status} ${await response.text()}`);
    const arrays = decodeChunks(await response.text()).flat() as [number, unknown[]][];
    if (arrays.length) this.lastArrayId = arrays.at(-1)![0];
    return arrays;
  }

  /** Long-polls until a message (not a keep-alive) satisfying `done` arrives; returns all messages seen. */
  async pollUntil(done: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>[]> {
    const seen: Record<string, unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      const messages = messagesOf(await this.poll());
      seen.push(...messages);
      if (messages.some(done)) return seen;
    }
    throw new Error(`no matching message in ${JSON.stringify(seen)}`);
  }

  /** The back-channel URL acknowledging `aid`. */
  backUrl(aid = this.lastArrayId): string {
    return `${this.url}?VER=8&RID=rpc&SID=${this.sid}&AID=${aid}&TYPE=xmlhttp&t=1`;
  }

  /** Ends the session as the client's close() does. */
  async terminate(): Promise<void> {
    await fetch(`${this.url}?VER=8&SID=${this.sid}&RID=${this.rid++}&TYPE=terminate`, { method: "POST" });
  }
}
