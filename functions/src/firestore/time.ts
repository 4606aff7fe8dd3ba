/**
 * A Firestore Timestamp as RFC 3339 with microseconds: the precision of both Firestore's times and
 * Postgres timestamps, so two such strings order exactly as the instants do.
 */
export function rfc3339Micros(ts: { seconds: number; nanoseconds: number }): string {
  const base = new Date(ts.seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(Math.floor(ts.nanoseconds / 1000)).padStart(6, "0")}Z`;
}
