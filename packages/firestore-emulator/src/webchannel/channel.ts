import { asciiJson, type ForwardMap, forwardResponse, NOOP } from "./wire.ts";

/** Where a session writes to the client: the body of one pending back-channel GET. */
export interface BackChannelSink {
  write(text: string): void;
  end(): void;
}

/** Timing and size limits of one channel session. */
export interface ChannelLimits {
  /** Idle time before a keep-alive on a streaming back channel; the longest a long poll is held. */
  readonly keepaliveMs: number;
  /** A session with no back channel and no request for this long is closed. */
  readonly sessionIdleMs: number;
  /** A streaming back channel is ended (the client reopens it, acknowledging) past this many unacked bytes. */
  readonly recycleBytes: number;
  /** A client this far behind (unacknowledged bytes) loses its session. */
  readonly maxUnackedBytes: number;
  /** Messages that may wait for an earlier, missing one. */
  readonly maxEarlyMaps: number;
  /** Characters of JSON those waiting messages may hold in all (each forward body is bounded, their sum is not). */
  readonly maxEarlyBytes: number;
}

/** What a session reports to its owner. */
export interface ChannelEvents {
  /** One client message, in order, each exactly once. */
  message(json: string): void;
  /** The session ended (terminated, expired or overflowed); it sends nothing more. */
  closed(): void;
}

interface Outgoing {
  readonly id: number;
  readonly text: string;
}

interface AttachedBackChannel {
  readonly sink: BackChannelSink;
  readonly streaming: boolean;
  timer: NodeJS.Timeout | undefined;
}

const BACK_CHANNEL_GRACE_MS = 1000;

/**
 * The server side of one WebChannel session. Client messages ("maps") arrive numbered on forward
 * POSTs and are delivered once and in order. Server messages become numbered arrays kept until the
 * client acknowledges them (the `AID` it sends with every request), so a lost back channel loses
 * nothing: the next one re-sends whatever is unacknowledged. A back channel either streams (`CI=0`:
 * stays open, keep-alives when idle) or long-polls (`CI=1`: answers once with what is pending).
 */
export class ChannelSession {
  readonly id: string;
  private readonly limits: ChannelLimits;
  private readonly events: ChannelEvents;
  private readonly outbox: Outgoing[] = [];
  private lastArrayId = 0; // the handshake's "c" array is 0
  private sentThrough = 0;
  private unackedBytes = 0;
  private nextMapId = 0;
  private readonly early = new Map<number, string>();
  private earlyBytes = 0;
  private back: AttachedBackChannel | undefined;
  private detachedAt = Number.NEGATIVE_INFINITY;
  private flushScheduled = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(id: string, limits: ChannelLimits, events: ChannelEvents) {
    this.id = id;
    this.limits = limits;
    this.events = events;
    this.armIdleTimer();
  }

  /** Whether the session has ended. */
  get closed(): boolean {
    return this.ended;
  }

  /** Queues one array for the client; it goes out on the current or the next back channel. */
  send(payload: readonly unknown[]): void {
    if (this.ended) return;
    const id = ++this.lastArrayId;
    const text = asciiJson([id, payload]);
    this.outbox.push({ id, text });
    this.unackedBytes += text.length;
    if (this.unackedBytes > this.limits.maxUnackedBytes) {
      this.close();
      return;
    }
    if (!this.flushScheduled) {
      // Coalesce what one tick produces (a listen snapshot is many messages) into one chunk.
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** The client has every array up to `arrayId`; forget them. */
  acknowledge(arrayId: number): void {
    while (this.outbox.length > 0 && this.outbox[0]!.id <= arrayId) {
      this.unackedBytes -= this.outbox.shift()!.text.length;
    }
  }

  /** Takes client messages from a forward POST: duplicates (retries) are dropped, gaps wait. */
  receive(maps: readonly ForwardMap[]): void {
    this.touch();
    for (const map of maps) {
      if (this.ended) return;
      if (map.id < this.nextMapId || this.early.has(map.id)) continue;
      this.early.set(map.id, map.json);
      this.earlyBytes += map.json.length;
      if (this.early.size > this.limits.maxEarlyMaps || this.earlyBytes > this.limits.maxEarlyBytes) {
        this.close();
        return;
      }
      while (!this.ended && this.early.has(this.nextMapId)) {
        const json = this.early.get(this.nextMapId)!;
        this.early.delete(this.nextMapId++);
        this.earlyBytes -= json.length;
        this.events.message(json);
      }
    }
  }

  /** The body of a forward-channel response: back channel present, last array id, bytes unacked. */
  forwardResponse(): number[] {
    const present = this.back !== undefined || Date.now() - this.detachedAt < BACK_CHANNEL_GRACE_MS;
    return forwardResponse(present, this.lastArrayId, this.unackedBytes);
  }

  /** Any request on the session counts as activity. */
  touch(): void {
    if (!this.back) this.armIdleTimer();
  }

  /**
   * Makes `sink` the back channel, replacing any previous one (the client has given up on it). It
   * first gets every unacknowledged array; a streaming one gets a keep-alive at once when there is
   * nothing, so the client's buffering-proxy detection sees bytes arrive.
   */
  attach(sink: BackChannelSink, streaming: boolean, holdMs: number): void {
    if (this.ended) {
      sink.end();
      return;
    }
    if (this.back) this.endBackChannel();
    clearTimeout(this.idleTimer);
    this.back = { sink, streaming, timer: undefined };
    this.sentThrough = this.outbox.length > 0 ? this.outbox[0]!.id - 1 : this.lastArrayId;
    if (this.outbox.length > 0) this.flush();
    else if (streaming) {
      this.send(NOOP);
      this.flush();
    } else {
      const back = this.back;
      back.timer = setTimeout(() => this.send(NOOP), Math.min(holdMs, this.limits.keepaliveMs)).unref();
    }
  }

  /** The HTTP response behind `sink` has closed (we ended it, or the client went away). */
  detach(sink: BackChannelSink): void {
    if (this.back?.sink !== sink) return;
    clearTimeout(this.back.timer);
    this.back = undefined;
    this.detachedAt = Date.now();
    if (!this.ended) this.armIdleTimer();
  }

  /** Ends the session: no more messages either way. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    if (this.back) this.endBackChannel();
    this.outbox.length = 0;
    this.early.clear();
    this.earlyBytes = 0;
    this.events.closed();
  }

  private flush(): void {
    this.flushScheduled = false;
    const back = this.back;
    if (!back || this.ended) return;
    const start = this.outbox.findIndex((o) => o.id > this.sentThrough);
    if (start < 0) return;
    const pending = this.outbox.slice(start);
    const text = `[${pending.map((o) => o.text).join(",")}]`;
    back.sink.write(`${text.length}\n${text}`);
    this.sentThrough = pending[pending.length - 1]!.id;
    if (!back.streaming || this.unackedBytes > this.limits.recycleBytes) {
      this.endBackChannel();
      return;
    }
    clearTimeout(back.timer);
    back.timer = setTimeout(() => this.send(NOOP), this.limits.keepaliveMs).unref();
  }

  private endBackChannel(): void {
    const back = this.back!;
    this.detach(back.sink);
    back.sink.end();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), this.limits.sessionIdleMs).unref();
  }
}
