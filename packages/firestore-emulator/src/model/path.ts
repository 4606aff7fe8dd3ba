import { invalidArgument } from "../errors.ts";
import { keyPathElementTooLong } from "../limits/production.ts";
import { compareSegments } from "./segments.ts";

/** A database: `projects/{projectId}/databases/{databaseId}`. */
export interface DatabaseId {
  readonly projectId: string;
  readonly databaseId: string;
}

/** A parsed resource name below a database's `documents` root (segments may be empty: the root). */
export interface ResourcePath {
  readonly db: DatabaseId;
  readonly segments: readonly string[];
}

/** `projects/p/databases/d`. */
export function databaseName(db: DatabaseId): string {
  return `projects/${db.projectId}/databases/${db.databaseId}`;
}

/** A stable key for a database, for maps. */
export function databaseKey(db: DatabaseId): string {
  return `${db.projectId}/${db.databaseId}`;
}

/** Parses `projects/p/databases/d` (what `database` fields of requests carry). */
export function parseDatabaseName(name: string): DatabaseId {
  const parts = name.split("/");
  if (parts.length !== 4 || parts[0] !== "projects" || parts[2] !== "databases" || !parts[1] || !parts[3]) {
    throw invalidArgument(
      `Invalid database name: "${name}"; expected "projects/{project}/databases/{database}".`,
    );
  }
  return { projectId: parts[1], databaseId: parts[3] };
}

/** Parses `projects/p/databases/d/documents[/seg...]`. */
export function parseResourceName(name: string): ResourcePath {
  const parts = name.split("/");
  if (parts.length < 5 || parts[0] !== "projects" || parts[2] !== "databases" || parts[4] !== "documents") {
    throw invalidArgument(
      `Invalid resource name: "${name}"; expected "projects/{p}/databases/{d}/documents/...".`,
    );
  }
  const db = { projectId: parts[1]!, databaseId: parts[3]! };
  if (!db.projectId || !db.databaseId) throw invalidArgument(`Invalid resource name: "${name}".`);
  const segments = parts.slice(5);
  for (const segment of segments) validateSegment(segment, name);
  return { db, segments };
}

/** Parses the name of a document (an even, non-zero number of segments below `documents`). */
export function parseDocumentName(name: string): ResourcePath {
  const parsed = parseResourceName(name);
  if (parsed.segments.length === 0 || parsed.segments.length % 2 !== 0) {
    throw invalidArgument(
      `Document name "${name}" has odd number of segments; a document name needs collection/id pairs.`,
    );
  }
  return parsed;
}

/** Parses a document name and checks it belongs to `db`. */
export function parseDocumentNameIn(db: DatabaseId, name: string): string {
  const parsed = parseDocumentName(name);
  assertSameDatabase(db, parsed.db, name);
  return parsed.segments.join("/");
}

/** Throws INVALID_ARGUMENT when a name points at another database than the request's. */
export function assertSameDatabase(expected: DatabaseId, actual: DatabaseId, name: string): void {
  if (expected.projectId !== actual.projectId || expected.databaseId !== actual.databaseId) {
    throw invalidArgument(`"${name}" is not in database "${databaseName(expected)}".`);
  }
}

/** Why Firestore rejects an id: empty, `.`/`..`, or reserved `__...__`. */
export function validateSegment(segment: string, name: string): void {
  if (segment === "") throw invalidArgument(`Resource name "${name}" has an empty path segment.`);
  if (segment === "." || segment === "..") throw invalidArgument(`Resource id "${segment}" is not allowed.`);
  if (
    segment.length > 4 &&
    segment.startsWith("__") &&
    segment.endsWith("__") &&
    !/^__id-?\d+__$/.test(segment)
  ) {
    throw invalidArgument(
      `Resource id "${segment}" is invalid because reserved ids match the regex "__.*__".`,
    );
  }
  if (Buffer.byteLength(segment) > 1500) throw keyPathElementTooLong();
}

/** Full name of a document or collection below a database. */
export function documentName(db: DatabaseId, path: string): string {
  return path === "" ? `${databaseName(db)}/documents` : `${databaseName(db)}/documents/${path}`;
}

/** Firestore's document order: segment by segment (see `compareSegments`), shorter prefix first. */
export function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegments(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The parent collection path of a document path (`a/b/c/d` → `a/b/c`). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** The last segment of a path. */
export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
