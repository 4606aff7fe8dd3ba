import { randomBytes } from "node:crypto";
import type { EmulatorCore } from "../emulator-core.ts";
import { Code, FirestoreError, invalidArgument } from "../errors.ts";
import { timestampFromMicros } from "../model/codec.ts";
import { encodeDocument } from "../model/document.ts";
import { type FieldPath, parseFieldPath } from "../model/field-path.ts";
import { documentName, parseDocumentName, parseDocumentNameIn } from "../model/path.ts";
import type {
  ProtoDocument,
  ProtoPrecondition,
  ProtoTimestamp,
  ProtoTransactionOptions,
} from "../proto/types.ts";
import type { Query } from "../query/model.ts";
import type { ReadConsistency } from "../store/database.ts";
import { parseWrite } from "../store/mutation.ts";
import { databaseFromName, resolveResource } from "./context.ts";
import { serverStream, unary } from "./rpc.ts";

interface Consistency {
  transaction?: Uint8Array;
  newTransaction?: ProtoTransactionOptions;
  readTime?: ProtoTimestamp;
}

/** The read consistency fields of a request. */
export function consistencyOf(r: Consistency): ReadConsistency {
  return {
    ...(r.transaction?.length ? { transaction: r.transaction } : {}),
    ...(r.newTransaction ? { newTransaction: r.newTransaction } : {}),
    ...(r.readTime ? { readTime: r.readTime } : {}),
  };
}

function maskOf(mask: { fieldPaths?: string[] } | undefined): FieldPath[] | undefined {
  return mask ? (mask.fieldPaths ?? []).map(parseFieldPath) : undefined;
}

const AUTO_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A 20-character id like the SDKs' auto ids. */
function autoId(): string {
  const bytes = randomBytes(20);
  let id = "";
  for (const b of bytes) id += AUTO_ID_ALPHABET[b % AUTO_ID_ALPHABET.length];
  return id;
}

/** Whether a read runs in (or starts) a transaction: rules then allow 20 document accesses. */
function inTransaction(r: Consistency): boolean {
  return Boolean(r.transaction?.length || r.newTransaction);
}

/** ListDocuments as the query rules judge it: every document of one collection. */
function collectionListing(parent: string, collectionId: string): Query {
  return {
    parent,
    collectionId,
    allDescendants: false,
    filter: undefined,
    orderBy: [{ field: ["__name__"], descending: false }],
    startAt: undefined,
    endAt: undefined,
    offset: 0,
    limit: undefined,
    select: undefined,
  };
}

/** Handlers for single-document reads, listings and the unary document CRUD RPCs. */
export function documentHandlers(core: EmulatorCore) {
  return {
    GetDocument: unary(
      async (req: { name?: string; mask?: { fieldPaths?: string[] } } & Consistency, context) => {
        const { caller } = context;
        const parsed = parseDocumentName(req.name ?? "");
        const db = core.database(parsed.db);
        const path = parsed.segments.join("/");
        const { value } = await db.getDocuments([path], consistencyOf(req));
        const doc = value[0];
        core.gate.authorizeReads(caller, db, [{ path, doc: doc ?? null }], inTransaction(req));
        if (!doc) throw new FirestoreError(Code.NOT_FOUND, `Document "${req.name}" not found.`);
        return encodeDocument(doc, maskOf(req.mask));
      },
    ),

    BatchGetDocuments: serverStream(
      async (
        req: { database?: string; documents?: string[]; mask?: { fieldPaths?: string[] } } & Consistency,
        write: (r: object) => void,
        context,
      ) => {
        const { caller } = context;
        const db = databaseFromName(core, req.database);
        const names = req.documents ?? [];
        const paths = names.map((n) => parseDocumentNameIn(db.id, n));
        const mask = maskOf(req.mask);
        const { value, readTime, transaction } = await db.getDocuments(paths, consistencyOf(req));
        core.gate.authorizeReads(
          caller,
          db,
          paths.map((path, i) => ({ path, doc: value[i] ?? null })),
          inTransaction(req),
        );
        const time = timestampFromMicros(readTime);
        // A started transaction's id rides on the first response only.
        let pending = transaction;
        const takeTransaction = () => {
          const t = pending;
          pending = undefined;
          return t ? { transaction: t } : {};
        };
        value.forEach((doc, i) => {
          if (doc) write({ found: encodeDocument(doc, mask), readTime: time, ...takeTransaction() });
          else write({ missing: documentName(db.id, paths[i]!), readTime: time, ...takeTransaction() });
        });
        if (pending) write({ readTime: time, ...takeTransaction() });
      },
    ),

    ListDocuments: unary(
      async (
        req: {
          parent?: string;
          collectionId?: string;
          pageSize?: number;
          pageToken?: string;
          mask?: { fieldPaths?: string[] };
          showMissing?: boolean;
        } & Consistency,
        context,
      ) => {
        const { caller } = context;
        const { db, path } = resolveResource(core, req.parent);
        if (path.split("/").length % 2 === 1 && path !== "") {
          throw invalidArgument(`The parent "${req.parent}" must be a document or the documents root.`);
        }
        if (!req.collectionId) throw invalidArgument("ListDocuments needs a collection id.");
        if (req.showMissing)
          core.gate.requireAdmin(caller, db, "Listing missing documents requires admin authentication.");
        else core.gate.authorizeQuery(caller, db, collectionListing(path, req.collectionId));
        const collection = path === "" ? req.collectionId : `${path}/${req.collectionId}`;
        const { value } = db.listDocuments(collection, req.showMissing ?? false, consistencyOf(req));
        const start = req.pageToken ? Number.parseInt(req.pageToken, 10) : 0;
        if (!Number.isInteger(start) || start < 0) throw invalidArgument("Invalid page token.");
        const size = req.pageSize && req.pageSize > 0 ? req.pageSize : value.length;
        const page = value.slice(start, start + size);
        const mask = maskOf(req.mask);
        return {
          documents: page.map((d) =>
            typeof d === "string" ? { name: documentName(db.id, d) } : encodeDocument(d, mask),
          ),
          nextPageToken: start + size < value.length ? String(start + size) : "",
        };
      },
    ),

    ListCollectionIds: unary(
      async (
        req: { parent?: string; pageSize?: number; pageToken?: string; readTime?: ProtoTimestamp },
        context,
      ) => {
        const { db, path } = resolveResource(core, req.parent);
        core.gate.requireAdmin(context.caller, db, "Listing collection ids requires admin authentication.");
        if (path !== "" && path.split("/").length % 2 === 1) {
          throw invalidArgument(`The parent "${req.parent}" must be a document or the documents root.`);
        }
        const { value } = db.listCollectionIds(path, consistencyOf(req));
        const start = req.pageToken ? Number.parseInt(req.pageToken, 10) : 0;
        if (!Number.isInteger(start) || start < 0) throw invalidArgument("Invalid page token.");
        const size = req.pageSize && req.pageSize > 0 ? req.pageSize : value.length;
        return {
          collectionIds: value.slice(start, start + size),
          nextPageToken: start + size < value.length ? String(start + size) : "",
        };
      },
    ),

    CreateDocument: unary(
      async (
        req: {
          parent?: string;
          collectionId?: string;
          documentId?: string;
          document?: ProtoDocument;
          mask?: { fieldPaths?: string[] };
        },
        context,
      ) => {
        const { caller } = context;
        const { db, path } = resolveResource(core, req.parent);
        if (!req.collectionId) throw invalidArgument("CreateDocument needs a collection id.");
        const docPath = `${path === "" ? "" : `${path}/`}${req.collectionId}/${req.documentId || autoId()}`;
        const name = documentName(db.id, docPath);
        const m = parseWrite(db.id, {
          update: { ...req.document, name },
          currentDocument: { exists: false },
        });
        const { outcomes } = await db.commit([m], undefined, core.gate.commitGuard(caller, db, false));
        return encodeDocument(outcomes[0]!.after!, maskOf(req.mask));
      },
    ),

    UpdateDocument: unary(
      async (
        req: {
          document?: ProtoDocument;
          updateMask?: { fieldPaths?: string[] };
          mask?: { fieldPaths?: string[] };
          currentDocument?: ProtoPrecondition;
        },
        context,
      ) => {
        const { caller } = context;
        const parsed = parseDocumentName(req.document?.name ?? "");
        const db = core.database(parsed.db);
        const m = parseWrite(db.id, {
          update: req.document ?? {},
          ...(req.updateMask ? { updateMask: req.updateMask } : {}),
          ...(req.currentDocument ? { currentDocument: req.currentDocument } : {}),
        });
        const { outcomes } = await db.commit([m], undefined, core.gate.commitGuard(caller, db, false));
        return encodeDocument(outcomes[0]!.after!, maskOf(req.mask));
      },
    ),

    DeleteDocument: unary(async (req: { name?: string; currentDocument?: ProtoPrecondition }, context) => {
      const { caller } = context;
      const parsed = parseDocumentName(req.name ?? "");
      const db = core.database(parsed.db);
      const m = parseWrite(db.id, {
        delete: req.name ?? "",
        ...(req.currentDocument ? { currentDocument: req.currentDocument } : {}),
      });
      await db.commit([m], undefined, core.gate.commitGuard(caller, db, false));
      return {};
    }),
  };
}
