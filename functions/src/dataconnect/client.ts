import { type DataConnect, getDataConnect } from "firebase-admin/data-connect";

/** The `social` connector of the `rookery` Data Connect service, as the Admin SDK (bypasses @auth). */
export function socialConnector(): DataConnect {
  return getDataConnect({ serviceId: "rookery", location: "us-central1", connector: "social" });
}

/** Whether a Data Connect call failed because the row is already there (a retried trigger). */
export function isAlreadyExists(error: unknown): boolean {
  return /ALREADY_EXISTS|already exists|duplicate key/i.test(
    String((error as { message?: unknown })?.message ?? error),
  );
}
