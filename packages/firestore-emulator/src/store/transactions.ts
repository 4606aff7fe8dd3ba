import { randomBytes } from "node:crypto";
import { Code, FirestoreError, invalidArgument } from "../errors.ts";
import type { Micros } from "../model/codec.ts";

/** A server-side transaction. Read-only ones read at a fixed snapshot; read-write ones lock. */
export interface Transaction {
  readonly id: Buffer;
  /** Lock owner key. */
  readonly key: string;
  readonly readOnly: boolean;
  /** The snapshot a read-only transaction reads at. */
  readonly readTime: Micros | undefined;
  state: "active" | "aborted" | "done";
  abortMessage: string;
  /** Queries read in a read-write transaction, re-run at commit to detect phantoms. */
  readonly queryChecks: (() => boolean)[];
  timer: NodeJS.Timeout | undefined;
  /** When the transaction expires however busy it is (production's 270 s time limit). */
  readonly deadline: number;
}

/** The live transactions of one database, with idle expiry. */
export class TransactionRegistry {
  private readonly live = new Map<string, Transaction>();
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly onExpire: (tx: Transaction) => void;

  constructor(idleMs: number, maxMs: number, onExpire: (tx: Transaction) => void) {
    this.idleMs = idleMs;
    this.maxMs = maxMs;
    this.onExpire = onExpire;
  }

  /** Starts a transaction. */
  begin(readOnly: boolean, readTime: Micros | undefined): Transaction {
    const id = randomBytes(12);
    const tx: Transaction = {
      id,
      key: `tx:${id.toString("hex")}`,
      readOnly,
      readTime,
      state: "active",
      abortMessage: "",
      queryChecks: [],
      timer: undefined,
      deadline: Date.now() + this.maxMs,
    };
    this.live.set(tx.key, tx);
    this.touch(tx);
    return tx;
  }

  /** Restarts the idle timer: Firestore expires transactions left idle, and all after their time limit. */
  touch(tx: Transaction): void {
    if (tx.timer) clearTimeout(tx.timer);
    const wait = Math.max(0, Math.min(this.idleMs, tx.deadline - Date.now()));
    tx.timer = setTimeout(() => {
      if (tx.state !== "active") return;
      this.end(tx, "aborted");
      tx.abortMessage = "The referenced transaction has expired or is no longer valid.";
      this.onExpire(tx);
    }, wait);
    tx.timer.unref();
  }

  /**
   * Looks a transaction up by id: unknown or finished ids are INVALID_ARGUMENT (the message the SDKs
   * recognize as expiry), aborted ones ABORTED.
   */
  get(id: Uint8Array): Transaction {
    const tx = this.live.get(`tx:${Buffer.from(id).toString("hex")}`);
    if (!tx || tx.state === "done") {
      throw invalidArgument("The referenced transaction has expired or is no longer valid.");
    }
    if (tx.state === "aborted") throw new FirestoreError(Code.ABORTED, tx.abortMessage);
    this.touch(tx);
    return tx;
  }

  /** Looks a transaction up without failing (for rollback of aborted ones). */
  find(id: Uint8Array): Transaction | undefined {
    return this.live.get(`tx:${Buffer.from(id).toString("hex")}`);
  }

  /** Marks a transaction finished or aborted; aborted ones stay known so later calls get ABORTED. */
  end(tx: Transaction, state: "aborted" | "done"): void {
    tx.state = state;
    if (tx.timer) clearTimeout(tx.timer);
    tx.timer = undefined;
    if (state === "done") this.live.delete(tx.key);
    else {
      // Forget aborted transactions after a while; until then their id answers ABORTED.
      const t = setTimeout(() => this.live.delete(tx.key), this.idleMs);
      t.unref();
    }
  }
}
