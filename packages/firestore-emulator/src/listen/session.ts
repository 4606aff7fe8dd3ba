import { invalidArgument, toStatus } from "../errors.ts";
import { type Micros, microsFromTimestamp, timestampFromMicros } from "../model/codec.ts";
import { encodeDocument, type StoredDocument } from "../model/document.ts";
import type { ProtoDocument, ProtoStatus, ProtoTarget, ProtoTimestamp } from "../proto/types.ts";
import type { CommitEvent, Database } from "../store/database.ts";
import { bloomFilterOf, type ProtoBloomFilter } from "./bloom-filter.ts";
import { resumeTokenFor, timeOfResumeToken } from "./resume-token.ts";
import {
  applyCommit,
  diffResults,
  parseTarget,
  type TargetDelta,
  type TargetSpec,
  targetResults,
} from "./targets.ts";

/** One ListenResponse as the wire expects it. */
export interface ListenResponse {
  targetChange?: {
    targetChangeType: "NO_CHANGE" | "ADD" | "REMOVE" | "CURRENT" | "RESET";
    targetIds: number[];
    cause?: ProtoStatus;
    resumeToken?: Buffer;
    readTime?: ProtoTimestamp;
  };
  documentChange?: { document: ProtoDocument; targetIds: number[]; removedTargetIds: number[] };
  documentDelete?: { document: string; removedTargetIds: number[]; readTime: ProtoTimestamp };
  documentRemove?: { document: string; removedTargetIds: number[]; readTime: ProtoTimestamp };
  filter?: { targetId: number; count: number; unchangedNames?: ProtoBloomFilter };
}

interface ActiveTarget {
  readonly id: number;
  readonly spec: TargetSpec;
  readonly results: Map<string, StoredDocument>;
}

/**
 * The server side of one Listen stream: many targets added and removed over time. After each
 * commit that touches its targets it sends the document changes, then a global NO_CHANGE carrying
 * the commit's read time and a resume token: the "consistent snapshot" marker both SDKs wait for.
 */
export class ListenSession {
  private readonly db: Database;
  private readonly send: (response: ListenResponse) => void;
  private readonly targets = new Map<number, ActiveTarget>();
  private readonly unsubscribe: () => void;
  private readonly authorize: (target: TargetSpec) => void;

  /** `authorize` throws (PERMISSION_DENIED) for a target the client may not listen to. */
  constructor(
    db: Database,
    send: (response: ListenResponse) => void,
    authorize: (target: TargetSpec) => void = () => {},
  ) {
    this.db = db;
    this.send = send;
    this.authorize = authorize;
    this.unsubscribe = db.subscribe((event) => this.onCommit(event));
  }

  /** Adds a target: ADD, its documents (or the changes since a resume point), CURRENT, snapshot. */
  addTarget(target: ProtoTarget): void {
    const id = target.targetId ?? 0;
    let spec: TargetSpec;
    let since: Micros | undefined;
    try {
      if (this.targets.has(id)) throw invalidArgument(`Target id ${id} is already in use on this stream.`);
      spec = parseTarget(this.db.id, target);
      // A forbidden target is removed with its PERMISSION_DENIED; the stream stays open.
      this.authorize(spec);
      if (target.resumeToken?.length) since = timeOfResumeToken(target.resumeToken);
      else if (target.readTime) since = microsFromTimestamp(target.readTime);
    } catch (error) {
      const { code, details } = toStatus(error);
      this.send({
        targetChange: { targetChangeType: "REMOVE", targetIds: [id], cause: { code, message: details } },
      });
      return;
    }
    const now = this.db.clock.now();
    const results = targetResults(this.db, spec);
    this.targets.set(id, { id, spec, results });
    this.send({ targetChange: { targetChangeType: "ADD", targetIds: [id] } });
    const deltas: TargetDelta[] =
      since === undefined
        ? [...results.values()].map((doc) => ({ type: "upsert", doc }))
        : diffResults(this.db, targetResults(this.db, spec, since), results);
    this.sendDeltas(new Map([[id, deltas]]), now);
    if (since !== undefined) this.sendExistenceFilter(id, spec, results, target.expectedCount?.value);
    const token = resumeTokenFor(now);
    this.send({
      targetChange: {
        targetChangeType: "CURRENT",
        targetIds: [id],
        resumeToken: token,
        readTime: timestampFromMicros(now),
      },
    });
    this.sendSnapshot(now);
  }

  /**
   * After resuming a target, production states how many documents match now, so a client whose cache
   * holds more (documents deleted while it was away) can tell. With the client's `expected_count` it
   * also sends the names that match as a bloom filter, so the client can drop exactly the stale ones
   * instead of re-running the query. Multi-document targets have no count the clients check.
   */
  private sendExistenceFilter(
    id: number,
    spec: TargetSpec,
    results: ReadonlyMap<string, StoredDocument>,
    expectedCount: number | undefined,
  ): void {
    if (spec.kind === "documents" && spec.paths.size !== 1) return;
    const names = [...results.values()].map((d) => d.name);
    this.send({
      filter: {
        targetId: id,
        count: names.length,
        ...(spec.kind === "query" && expectedCount ? { unchangedNames: bloomFilterOf(names) } : {}),
      },
    });
  }

  /** Removes a target and acknowledges it with REMOVE. */
  removeTarget(id: number): void {
    this.targets.delete(id);
    this.send({ targetChange: { targetChangeType: "REMOVE", targetIds: [id] } });
  }

  /** Stops listening to commits (the stream ended). */
  close(): void {
    this.unsubscribe();
    this.targets.clear();
  }

  private onCommit(event: CommitEvent): void {
    const perTarget = new Map<number, TargetDelta[]>();
    for (const target of this.targets.values()) {
      const deltas = applyCommit(this.db, target.spec, target.results, event.changes);
      if (deltas.length > 0) perTarget.set(target.id, deltas);
    }
    if (perTarget.size === 0) return;
    this.sendDeltas(perTarget, event.commitTime);
    this.sendSnapshot(event.commitTime);
  }

  private sendSnapshot(time: Micros): void {
    this.send({
      targetChange: {
        targetChangeType: "NO_CHANGE",
        targetIds: [],
        readTime: timestampFromMicros(time),
        resumeToken: resumeTokenFor(time),
      },
    });
  }

  /** Sends one message per document, naming every target it entered/changed in or left. */
  private sendDeltas(perTarget: ReadonlyMap<number, readonly TargetDelta[]>, time: Micros): void {
    const byPath = new Map<
      string,
      { doc?: StoredDocument; name: string; deleted: boolean; in: number[]; out: number[] }
    >();
    for (const [id, deltas] of perTarget) {
      for (const d of deltas) {
        const path = d.type === "upsert" ? d.doc.path : d.path;
        let entry = byPath.get(path);
        if (!entry) {
          entry = { name: d.type === "upsert" ? d.doc.name : d.name, deleted: false, in: [], out: [] };
          byPath.set(path, entry);
        }
        if (d.type === "upsert") {
          entry.doc = d.doc;
          entry.in.push(id);
        } else {
          entry.deleted = d.deleted;
          entry.out.push(id);
        }
      }
    }
    const readTime = timestampFromMicros(time);
    for (const entry of byPath.values()) {
      if (entry.doc) {
        this.send({
          documentChange: {
            document: encodeDocument(entry.doc),
            targetIds: entry.in,
            removedTargetIds: entry.out,
          },
        });
      } else if (entry.deleted) {
        this.send({ documentDelete: { document: entry.name, removedTargetIds: entry.out, readTime } });
      } else {
        this.send({ documentRemove: { document: entry.name, removedTargetIds: entry.out, readTime } });
      }
    }
  }
}
