import type { Auth } from "firebase-admin/auth";
import type { DataConnect } from "firebase-admin/data-connect";
import type { Firestore } from "firebase-admin/firestore";
import { reconcileDepartingGroups, recordDepartingGroups } from "./departingNotifications.ts";
import { deleteAccountDocuments } from "./firestoreData.ts";
import { type PurgeReport, purgeAccountData } from "./purge.ts";

/** Where an account's data lives. */
export interface AccountStores {
  dc: DataConnect;
  db: Firestore;
}

/**
 * Removes an account's data everywhere it lives: its social-graph rows (every other account's counters
 * kept exact, and every notification group it counted in recomputed) and its Firestore documents
 * (profile, settings, drafts, notifications). Idempotent and restartable: an interrupted run leaves
 * consistent data, and running it again completes it.
 */
export async function deleteAccountData(stores: AccountStores, uid: string): Promise<PurgeReport> {
  await recordDepartingGroups(stores.dc, stores.db, uid);
  const report = await purgeAccountData(stores.dc, uid);
  await reconcileDepartingGroups(stores.dc, stores.db, uid);
  await deleteAccountDocuments(stores.db, uid);
  return report;
}

/** How recent a sign-in must be to delete the account with it (as Firebase Auth's own `delete()`). */
export const RECENT_SIGN_IN_SECONDS = 5 * 60;

/** Whether an ID token's `auth_time` (seconds) is recent enough at `now` (ms) to delete the account. */
export function signedInRecently(authTime: unknown, now = Date.now()): boolean {
  return typeof authTime === "number" && now / 1000 - authTime <= RECENT_SIGN_IN_SECONDS;
}

/**
 * "Delete my account": the account's data first, so a failure leaves the person signed in and able
 * to try again, then the Auth account (whose deletion trigger runs the data removal once more, which
 * finds nothing left). A missing Auth account (an earlier attempt got that far) is not an error.
 */
export async function deleteMyAccount(
  stores: AccountStores & { auth: Auth },
  uid: string,
): Promise<PurgeReport> {
  const report = await deleteAccountData(stores, uid);
  await stores.auth.deleteUser(uid).catch((error: unknown) => {
    if ((error as { code?: string }).code !== "auth/user-not-found") throw error;
  });
  return report;
}
