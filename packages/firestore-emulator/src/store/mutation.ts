import { Code, FirestoreError, invalidArgument } from "../errors.ts";
import { decodeDocumentFields, decodeValue, type Micros, microsFromTimestamp } from "../model/codec.ts";
import type { StoredDocument } from "../model/document.ts";
import {
  deleteField,
  type FieldPath,
  formatFieldPath,
  getField,
  isPrefixOf,
  parseFieldPath,
  setField,
} from "../model/field-path.ts";
import { type DatabaseId, documentName, parseDocumentNameIn } from "../model/path.ts";
import { type Fields, fieldsIdentical, isNumber, type Value } from "../model/values.ts";
import type { ProtoFieldTransform, ProtoWrite } from "../proto/types.ts";
import { applyTransform, type TransformOp } from "./transforms.ts";

/** A precondition on the stored document. */
export interface Precondition {
  readonly exists?: boolean;
  readonly updateTime?: Micros;
}

/**
 * A validated write: `set` replaces, `patch` changes masked paths, `transform` only transforms,
 * `verify` only checks its precondition (a transaction's read that was not written).
 */
export interface Mutation {
  readonly kind: "set" | "patch" | "delete" | "transform" | "verify";
  readonly path: string;
  readonly name: string;
  readonly fields: Fields;
  readonly mask: readonly FieldPath[];
  readonly transforms: readonly { field: FieldPath; transform: TransformOp }[];
  readonly precondition: Precondition | undefined;
}

/** What one mutation did: the document after it, and the WriteResult fields. */
export interface MutationOutcome {
  readonly after: StoredDocument | null;
  readonly changed: boolean;
  readonly updateTime: Micros | undefined;
  readonly transformResults: readonly Value[];
}

function parseTransform(t: ProtoFieldTransform): { field: FieldPath; transform: TransformOp } {
  const field = parseFieldPath(t.fieldPath ?? "");
  const name = formatFieldPath(field);
  if (t.setToServerValue !== undefined) {
    if (t.setToServerValue !== "REQUEST_TIME")
      throw invalidArgument(`Unsupported server value on "${name}".`);
    return { field, transform: { op: "serverTimestamp" } };
  }
  for (const op of ["increment", "maximum", "minimum"] as const) {
    const operand = t[op];
    if (operand !== undefined) {
      const value = decodeValue(operand);
      if (!isNumber(value))
        throw invalidArgument(`The ${op} transform on "${name}" needs a numeric operand.`);
      return { field, transform: { op, operand: value } };
    }
  }
  for (const op of ["appendMissingElements", "removeAllFromArray"] as const) {
    const array = t[op];
    if (array !== undefined) {
      return { field, transform: { op, elements: (array.values ?? []).map((v) => decodeValue(v)) } };
    }
  }
  throw invalidArgument(`The transform on "${name}" has no transform type.`);
}

function checkTransformPaths(transforms: readonly { field: FieldPath }[]): void {
  for (let i = 0; i < transforms.length; i++) {
    const a = transforms[i]!.field;
    for (let j = i + 1; j < transforms.length; j++) {
      const b = transforms[j]!.field;
      if (isPrefixOf(a, b) || isPrefixOf(b, a)) {
        throw invalidArgument(`Field "${formatFieldPath(b)}" is transformed more than once in a write.`);
      }
    }
  }
}

/** Validates a wire Write against the request's database. */
export function parseWrite(db: DatabaseId, w: ProtoWrite): Mutation {
  const chosen = [w.update, w.delete, w.transform, w.verify].filter((x) => x !== undefined).length;
  if (chosen !== 1)
    throw invalidArgument("A write must set exactly one of update, delete, transform or verify.");
  const precondition: Precondition | undefined = w.currentDocument
    ? {
        ...(w.currentDocument.exists !== undefined ? { exists: w.currentDocument.exists } : {}),
        ...(w.currentDocument.updateTime
          ? { updateTime: microsFromTimestamp(w.currentDocument.updateTime) }
          : {}),
      }
    : undefined;
  /** A mutation of one named document that sets no fields of its own. */
  const fieldless = (
    kind: "verify" | "delete" | "transform",
    name: string,
    transforms: Mutation["transforms"],
  ) => {
    const path = parseDocumentNameIn(db, name);
    return {
      kind,
      path,
      name: documentName(db, path),
      fields: new Map(),
      mask: [],
      transforms,
      precondition,
    };
  };
  const transforms = (w.updateTransforms ?? []).map(parseTransform);
  if (w.verify !== undefined) {
    if (transforms.length > 0 || w.updateMask) throw invalidArgument("A verify write cannot change fields.");
    return fieldless("verify", w.verify, transforms);
  }
  if (w.delete !== undefined) {
    if (transforms.length > 0) throw invalidArgument("A delete cannot carry transforms.");
    return fieldless("delete", w.delete, transforms);
  }
  if (w.transform !== undefined) {
    const fieldTransforms = (w.transform.fieldTransforms ?? []).map(parseTransform);
    if (fieldTransforms.length === 0)
      throw invalidArgument("A transform write needs at least one field transform.");
    checkTransformPaths(fieldTransforms);
    return fieldless("transform", w.transform.document ?? "", fieldTransforms);
  }
  const update = w.update!;
  const path = parseDocumentNameIn(db, update.name ?? "");
  const fields = decodeDocumentFields(update.fields);
  const mask = w.updateMask ? (w.updateMask.fieldPaths ?? []).map(parseFieldPath) : undefined;
  checkTransformPaths(transforms);
  return {
    kind: mask ? "patch" : "set",
    path,
    name: documentName(db, path),
    fields,
    mask: mask ?? [],
    transforms,
    precondition,
  };
}

/**
 * Checks a precondition with Firestore's codes: NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION. When
 * an earlier write of the same request produced `current`, a failing precondition contradicts the
 * request itself, which Firestore rejects as INVALID_ARGUMENT (e.g. `[delete d, update d]`).
 */
export function checkPrecondition(m: Mutation, current: StoredDocument | null, writtenEarlier = false): void {
  const p = m.precondition;
  if (!p) return;
  const fail = (
    code: typeof Code.NOT_FOUND | typeof Code.ALREADY_EXISTS | typeof Code.FAILED_PRECONDITION,
    message: string,
  ) => {
    if (writtenEarlier) {
      throw invalidArgument(
        `The precondition of a write to ${m.name} cannot hold: an earlier write in the same request changed the document.`,
      );
    }
    throw new FirestoreError(code, message);
  };
  if (p.exists === true && !current) fail(Code.NOT_FOUND, `No document to update: ${m.name}`);
  if (p.exists === false && current) fail(Code.ALREADY_EXISTS, `Document already exists: ${m.name}`);
  if (p.updateTime !== undefined && current?.updateTime !== p.updateTime) {
    fail(
      Code.FAILED_PRECONDITION,
      `The stored version of ${m.name} does not match the required base version (update_time precondition failed).`,
    );
  }
}

/**
 * Applies a mutation to the current document at `commitTime`. Pure: throws on a failed precondition.
 * A write that leaves the fields unchanged keeps the previous update time, as Firestore reports it.
 */
export function applyMutation(
  m: Mutation,
  current: StoredDocument | null,
  commitTime: Micros,
  writtenEarlier = false,
): MutationOutcome {
  checkPrecondition(m, current, writtenEarlier);
  if (m.kind === "verify") {
    return { after: current, changed: false, updateTime: undefined, transformResults: [] };
  }
  if (m.kind === "delete") {
    return { after: null, changed: current !== null, updateTime: undefined, transformResults: [] };
  }
  let fields: Fields;
  if (m.kind === "set") fields = m.fields;
  else {
    fields = current?.fields ?? new Map();
    for (const path of m.mask) {
      const v = getField(m.fields, path);
      fields = v === undefined ? deleteField(fields, path) : setField(fields, path, v);
    }
  }
  const seconds = Math.floor(commitTime / 1e6);
  const now: Value = { kind: "timestamp", seconds, nanos: (commitTime - seconds * 1e6) * 1000 };
  const transformResults: Value[] = [];
  for (const { field, transform } of m.transforms) {
    const { value, result } = applyTransform(transform, getField(fields, field), now);
    fields = setField(fields, field, value);
    transformResults.push(result);
  }
  if (current && fieldsIdentical(current.fields, fields)) {
    return { after: current, changed: false, updateTime: current.updateTime, transformResults };
  }
  const after: StoredDocument = {
    name: m.name,
    path: m.path,
    fields,
    createTime: current?.createTime ?? commitTime,
    updateTime: commitTime,
  };
  return { after, changed: true, updateTime: commitTime, transformResults };
}
