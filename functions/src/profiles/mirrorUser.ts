import type { DataConnect } from "firebase-admin/data-connect";
import { isAlreadyExists } from "../dataconnect/client.ts";
import type { NewProfile } from "./createProfile.ts";

/**
 * Creates the account's `User` row in Postgres (Data Connect). An existing row (a retried trigger,
 * or the client's UpsertMe first) is left as it is.
 */
export async function mirrorUser(dc: DataConnect, uid: string, profile: NewProfile): Promise<boolean> {
  try {
    await dc.executeMutation("MirrorAuthUser", {
      uid,
      displayName: profile.displayName,
      avatarUrl: profile.avatarUrl,
    });
    return true;
  } catch (error) {
    if (isAlreadyExists(error)) return false;
    throw error;
  }
}
