import type { DataConnect } from "firebase-admin/data-connect";
import { isAlreadyExists } from "../dataconnect/client.ts";
import { usernameCandidates } from "../usernames/rules.ts";
import type { NewProfile } from "./createProfile.ts";

/** What the Auth mirror did: the account's username, and whether this call gave it. */
export interface MirrorOutcome {
  username: string;
  claimed: boolean;
}

/**
 * Creates the account's `User` row in Postgres (Data Connect) with a unique username derived from
 * `usernameBase`, or gives an existing row without one (UpsertMe or the profile mirror came first) its
 * username. Idempotent: a row that has a username already is left as it is (a retried trigger). Safe
 * under concurrent sign-ups: a taken name — seen before the insert, or lost to a racing insert on the
 * case-insensitive unique index — moves on to the next candidate.
 */
export async function mirrorUser(
  dc: DataConnect,
  uid: string,
  profile: NewProfile,
  usernameBase: string,
  random?: () => number,
): Promise<MirrorOutcome> {
  let tries = 0;
  for (const username of usernameCandidates(usernameBase, random)) {
    tries++;
    try {
      const { data } = await dc.executeMutation<{ _execute: number }, Record<string, unknown>>(
        "MirrorAuthUser",
        { uid, displayName: profile.displayName, avatarUrl: profile.avatarUrl, username },
      );
      if (data._execute > 0) return { username, claimed: true };
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
    const current = await accountUsername(dc, uid);
    if (current) return { username: current, claimed: false };
  }
  throw new Error(`no free username for ${uid} after ${tries} tries from "${usernameBase}"`);
}

/** The account's username, or null (no row, or none yet). */
export async function accountUsername(dc: DataConnect, uid: string): Promise<string | null> {
  const { data } = await dc.executeQuery<{ user: { username: string | null } | null }, { uid: string }>(
    "AccountUsername",
    { uid },
  );
  return data.user?.username ?? null;
}
