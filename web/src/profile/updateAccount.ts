// The one write path for the account's row (UpdateMyProfile) from Edit profile and Settings: a username,
// privacy, display fields. A refusal becomes a sentence (a username's "taken" said so); a success updates
// the handle directory and every cached view of the account.
import type { UpdateMyProfileVariables } from "@rookery/dataconnect";
import { useUpdateMyProfile } from "@rookery/dataconnect/react";
import { useQueryClient } from "@tanstack/react-query";
import { describeError } from "../data/errors.ts";
import { dataConnect } from "../firebase/client.ts";
import { remember } from "./handles.ts";
import { usernameRefusal } from "./username.ts";

/** A change the server refused, with what to tell the person. */
export class AccountRefusal extends Error {}

/** What to tell the person about a failed save: the refusal's reason, or what went wrong. */
export function saveProblem(error: unknown): string {
  return error instanceof AccountRefusal ? error.message : describeError(error);
}

/** Writes changes to the signed-in account's row; throws an AccountRefusal with the reason if refused. */
export function useUpdateAccount(uid: string) {
  const update = useUpdateMyProfile(dataConnect);
  const queryClient = useQueryClient();

  /**
   * Writes `changes`, then `alsoWrite` (Edit profile's Firestore document; its errors are thrown as
   * they are), then refreshes the cached views once, so no screen shows a half-saved account.
   */
  async function save(changes: UpdateMyProfileVariables, alsoWrite?: () => Promise<void>): Promise<void> {
    try {
      await update.mutateAsync(changes);
    } catch (error) {
      throw new AccountRefusal(changes.username ? usernameRefusal(error) : describeError(error));
    }
    if (changes.username) remember(changes.username, uid);
    try {
      await alsoWrite?.();
    } finally {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["GetMe"] }),
        queryClient.invalidateQueries({ queryKey: ["GetProfile"] }),
        queryClient.invalidateQueries({ queryKey: ["UserByUsername"] }),
      ]);
    }
  }

  return { save, isPending: update.isPending };
}
