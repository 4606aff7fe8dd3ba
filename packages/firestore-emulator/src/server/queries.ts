import type { EmulatorCore } from "../emulator-core.ts";
import { Code, FirestoreError } from "../errors.ts";
import { encodeFields, timestampFromMicros } from "../model/codec.ts";
import { encodeDocument } from "../model/document.ts";
import { isKeyPath } from "../model/field-path.ts";
import type { ProtoStructuredAggregationQuery, ProtoStructuredQuery } from "../proto/types.ts";
import { aggregate, parseAggregations } from "../query/aggregate.ts";
import { parseQuery } from "../query/parse.ts";
import { resolveResource } from "./context.ts";
import { consistencyOf } from "./documents.ts";
import { serverStream, unary } from "./rpc.ts";

type ReadFields = Parameters<typeof consistencyOf>[0];

function rejectExplain(req: { explainOptions?: unknown }): void {
  if (req.explainOptions) {
    throw new FirestoreError(Code.UNIMPLEMENTED, "Query explain is not supported by the Firestore emulator.");
  }
}

/** Handlers for RunQuery, RunAggregationQuery and PartitionQuery. */
export function queryHandlers(core: EmulatorCore) {
  return {
    RunQuery: serverStream(
      async (
        req: {
          parent?: string;
          structuredQuery?: ProtoStructuredQuery;
          explainOptions?: unknown;
        } & ReadFields,
        write: (r: object) => void,
        context,
      ) => {
        rejectExplain(req);
        const { caller } = context;
        const { db } = resolveResource(core, req.parent);
        const query = parseQuery(db.id, req.parent ?? "", req.structuredQuery ?? {});
        core.gate.authorizeQuery(caller, db, query);
        const { value, readTime, transaction } = await db.runQuery(query, consistencyOf(req));
        const time = timestampFromMicros(readTime);
        // A projection of only `__name__` returns documents without fields.
        const mask = query.select?.filter((f) => !isKeyPath(f));
        let pending = transaction;
        for (const doc of value) {
          write({
            document: encodeDocument(doc, mask),
            readTime: time,
            ...(pending ? { transaction: pending } : {}),
          });
          pending = undefined;
        }
        // Always answer at least once: clients take the read time (and a new transaction) from it.
        if (value.length === 0) write({ readTime: time, ...(pending ? { transaction: pending } : {}) });
      },
    ),

    RunAggregationQuery: serverStream(
      async (
        req: {
          parent?: string;
          structuredAggregationQuery?: ProtoStructuredAggregationQuery;
          explainOptions?: unknown;
        } & ReadFields,
        write: (r: object) => void,
        context,
      ) => {
        rejectExplain(req);
        const { caller } = context;
        const { db } = resolveResource(core, req.parent);
        const spec = req.structuredAggregationQuery ?? {};
        const aggregations = parseAggregations(spec);
        const query = parseQuery(db.id, req.parent ?? "", spec.structuredQuery ?? {});
        core.gate.authorizeQuery(caller, db, query);
        const { value, readTime, transaction } = await db.runQuery(query, consistencyOf(req));
        write({
          result: { aggregateFields: encodeFields(aggregate(aggregations, value)) },
          readTime: timestampFromMicros(readTime),
          ...(transaction ? { transaction } : {}),
        });
      },
    ),

    PartitionQuery: unary(
      async (req: { parent?: string; structuredQuery?: ProtoStructuredQuery }, context) => {
        const { db } = resolveResource(core, req.parent);
        core.gate.authorizeQuery(
          context.caller,
          db,
          parseQuery(db.id, req.parent ?? "", req.structuredQuery ?? {}),
        );
        // Firestore may return fewer partitions than asked; none means "one partition: everything".
        return { partitions: [], nextPageToken: "" };
      },
    ),

    ExecutePipeline: serverStream(async () => {
      throw new FirestoreError(Code.UNIMPLEMENTED, "Pipelines are not supported by the Firestore emulator.");
    }),
  };
}
