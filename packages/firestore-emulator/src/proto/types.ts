/**
 * The decoded shapes of the `google.firestore.v1` messages the emulator reads and writes, as
 * @grpc/proto-loader produces them (camelCase, int64 as string, enums as names, bytes as Buffer).
 * Only the fields the emulator uses are typed; everything is optional as proto3 makes it.
 */

export interface ProtoTimestamp {
  seconds?: string | number;
  nanos?: number;
}

export interface ProtoValue {
  nullValue?: string | number;
  booleanValue?: boolean;
  integerValue?: string | number;
  doubleValue?: number;
  timestampValue?: ProtoTimestamp;
  stringValue?: string;
  bytesValue?: Uint8Array;
  referenceValue?: string;
  geoPointValue?: { latitude?: number; longitude?: number };
  arrayValue?: { values?: ProtoValue[] };
  mapValue?: { fields?: Record<string, ProtoValue> };
}

export interface ProtoDocument {
  name?: string;
  fields?: Record<string, ProtoValue>;
  createTime?: ProtoTimestamp;
  updateTime?: ProtoTimestamp;
}

export interface ProtoPrecondition {
  exists?: boolean;
  updateTime?: ProtoTimestamp;
}

export interface ProtoFieldTransform {
  fieldPath?: string;
  setToServerValue?: string;
  increment?: ProtoValue;
  maximum?: ProtoValue;
  minimum?: ProtoValue;
  appendMissingElements?: { values?: ProtoValue[] };
  removeAllFromArray?: { values?: ProtoValue[] };
}

export interface ProtoWrite {
  update?: ProtoDocument;
  delete?: string;
  /** Checks the precondition only (transactions: documents read but not written). */
  verify?: string;
  transform?: { document?: string; fieldTransforms?: ProtoFieldTransform[] };
  updateMask?: { fieldPaths?: string[] };
  updateTransforms?: ProtoFieldTransform[];
  currentDocument?: ProtoPrecondition;
}

export interface ProtoWriteResult {
  updateTime?: ProtoTimestamp;
  transformResults?: ProtoValue[];
}

export interface ProtoFieldReference {
  fieldPath?: string;
}

export interface ProtoFilter {
  compositeFilter?: { op?: string; filters?: ProtoFilter[] };
  fieldFilter?: { field?: ProtoFieldReference; op?: string; value?: ProtoValue };
  unaryFilter?: { op?: string; field?: ProtoFieldReference };
}

export interface ProtoCursor {
  values?: ProtoValue[];
  before?: boolean;
}

export interface ProtoStructuredQuery {
  select?: { fields?: ProtoFieldReference[] };
  from?: { collectionId?: string; allDescendants?: boolean }[];
  where?: ProtoFilter;
  orderBy?: { field?: ProtoFieldReference; direction?: string }[];
  startAt?: ProtoCursor;
  endAt?: ProtoCursor;
  offset?: number;
  limit?: { value?: number };
  findNearest?: unknown;
}

export interface ProtoTransactionOptions {
  readOnly?: { readTime?: ProtoTimestamp };
  readWrite?: { retryTransaction?: Uint8Array };
}

export interface ProtoStructuredAggregationQuery {
  structuredQuery?: ProtoStructuredQuery;
  aggregations?: {
    alias?: string;
    count?: { upTo?: { value?: string | number } };
    sum?: { field?: ProtoFieldReference };
    avg?: { field?: ProtoFieldReference };
  }[];
}

export interface ProtoTarget {
  query?: { parent?: string; structuredQuery?: ProtoStructuredQuery };
  documents?: { documents?: string[] };
  resumeToken?: Uint8Array;
  readTime?: ProtoTimestamp;
  targetId?: number;
  once?: boolean;
  expectedCount?: { value?: number };
}

export interface ProtoStatus {
  code: number;
  message: string;
}
