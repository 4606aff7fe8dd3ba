import type * as grpc from "@grpc/grpc-js";
import type { EmulatorCore } from "../emulator-core.ts";
import { invalidArgument, toStatus } from "../errors.ts";
import { encodeValue, timestampFromMicros } from "../model/codec.ts";
import { databaseName } from "../model/path.ts";
import type { ProtoTransactionOptions, ProtoWrite, ProtoWriteResult } from "../proto/types.ts";
import type { CommitGuard, CommitResult, Database } from "../store/database.ts";
import { type MutationOutcome, parseWrite } from "../store/mutation.ts";
import { databaseFromName } from "./context.ts";
import { contextOf, type RequestContext, runInRequest } from "./request-context.ts";
import { grpcError, rejectMalformed, unary } from "./rpc.ts";

function writeResult(outcome: MutationOutcome): ProtoWriteResult {
  return {
    ...(outcome.updateTime !== undefined ? { updateTime: timestampFromMicros(outcome.updateTime) } : {}),
    transformResults: outcome.transformResults.map(encodeValue),
  };
}

function commitResponse(result: CommitResult) {
  return {
    writeResults: result.outcomes.map(writeResult),
    commitTime: timestampFromMicros(result.commitTime),
  };
}

async function commitWrites(
  db: Database,
  writes: ProtoWrite[] | undefined,
  transaction: Uint8Array | undefined,
  guard: CommitGuard | undefined,
) {
  const mutations = (writes ?? []).map((w) => parseWrite(db.id, w));
  return db.commit(mutations, transaction, guard);
}

interface WriteRequest {
  database?: string;
  streamId?: string;
  writes?: ProtoWrite[];
  streamToken?: Uint8Array;
}

let streamCounter = 0;

/**
 * The Write stream (web SDK writes): the first request is a handshake answered with a stream id and
 * token; each later request is one atomic batch answered with its results. Requests are handled in
 * order; a failed batch ends the stream with its status, and the client opens a new one.
 */
function writeStream(core: EmulatorCore) {
  return (call: grpc.ServerDuplexStream<WriteRequest, object>): void => {
    let db: Database | undefined;
    let context: RequestContext | undefined;
    const streamId = `stream-${++streamCounter}`;
    let counter = 0;
    let queue: Promise<void> = Promise.resolve();
    let ended = false;
    const token = () => Buffer.from(`${streamId}:${++counter}`);
    const fail = (error: unknown) => {
      if (ended) return;
      ended = true;
      call.emit("error", grpcError(error));
    };
    call.on("data", (request: WriteRequest) => {
      queue = queue.then(async () => {
        if (ended) return;
        try {
          rejectMalformed(request, "Write");
          if (!db) {
            context = contextOf(call.metadata);
            db = databaseFromName(core, request.database);
            if (request.writes?.length)
              throw invalidArgument("The first Write request must be a handshake without writes.");
            call.write({ streamId, streamToken: token() });
            return;
          }
          if (request.database && request.database !== databaseName(db.id)) {
            throw invalidArgument("A Write stream serves one database.");
          }
          const [target, writer] = [db, context!];
          const result = await runInRequest(writer, () =>
            commitWrites(
              target,
              request.writes,
              undefined,
              core.gate.commitGuard(writer.caller, target, false),
            ),
          );
          if (!ended) call.write({ streamToken: token(), ...commitResponse(result) });
        } catch (error) {
          fail(error);
        }
      });
    });
    call.on("end", () => {
      void queue.then(() => {
        if (!ended) {
          ended = true;
          call.end();
        }
      });
    });
    call.on("error", () => {
      ended = true;
    });
    call.on("cancelled", () => {
      ended = true;
    });
  };
}

/** Handlers for Commit, BatchWrite, BeginTransaction, Rollback and the Write stream. */
export function writeHandlers(core: EmulatorCore) {
  return {
    Commit: unary(
      async (req: { database?: string; writes?: ProtoWrite[]; transaction?: Uint8Array }, { caller }) => {
        const db = databaseFromName(core, req.database);
        const guard = core.gate.commitGuard(caller, db, Boolean(req.transaction?.length));
        return commitResponse(await commitWrites(db, req.writes, req.transaction, guard));
      },
    ),

    BatchWrite: unary(async (req: { database?: string; writes?: ProtoWrite[] }, { caller }) => {
      const db = databaseFromName(core, req.database);
      core.gate.requireAdmin(caller, db, "Batch writes require admin authentication.");
      const mutations = (req.writes ?? []).map((w) => parseWrite(db.id, w));
      const outcomes = await db.batchWrite(mutations);
      return {
        writeResults: outcomes.map((o) => (o.ok ? writeResult(o.result.outcomes[0]!) : {})),
        status: outcomes.map((o) => {
          if (o.ok) return { code: 0, message: "" };
          const s = toStatus(o.error);
          return { code: s.code, message: s.details };
        }),
      };
    }),

    BeginTransaction: unary(async (req: { database?: string; options?: ProtoTransactionOptions }) => {
      const db = databaseFromName(core, req.database);
      return { transaction: db.beginTransaction(req.options).id };
    }),

    Rollback: unary(async (req: { database?: string; transaction?: Uint8Array }) => {
      const db = databaseFromName(core, req.database);
      if (!req.transaction?.length) throw invalidArgument("Rollback needs a transaction.");
      db.rollback(req.transaction);
      return {};
    }),

    Write: writeStream(core),
  };
}
