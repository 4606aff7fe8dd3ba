import type { DataConnect } from "firebase-admin/data-connect";
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { z } from "zod";
import { initialDisplayName, MAX_DISPLAY_NAME } from "../auth/displayName.ts";
import { rfc3339Micros } from "../firestore/time.ts";

/** The display fields of `profiles/{uid}` that the social graph's User row mirrors. */
export interface ProfileDisplay {
  /** Absent: the row keeps its display name (Postgres requires one). */
  displayName?: string;
  avatarUrl: string | null;
  bio: string | null;
}

// The same limits as firestore.rules and the User columns; other profile fields are not mirrored.
const displaySchema = z.object({
  displayName: z.string().trim().min(1).max(MAX_DISPLAY_NAME).optional(),
  avatarUrl: z.string().max(2048).nullish(),
  bio: z.string().max(500).nullish(),
});

/** The display fields of a profile document, or why they cannot be mirrored. */
export function profileDisplay(
  data: unknown,
): { ok: true; value: ProfileDisplay } | { ok: false; error: string } {
  const parsed = displaySchema.safeParse(data ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  }
  const { displayName, avatarUrl, bio } = parsed.data;
  return {
    ok: true,
    value: { ...(displayName ? { displayName } : {}), avatarUrl: avatarUrl ?? null, bio: bio ?? null },
  };
}

/**
 * The version of a profile edit: the document's update time as RFC 3339 with microseconds, the
 * precision of both Firestore's update times and Postgres timestamps, so versions compare exactly.
 */
export const profileVersion = rfc3339Micros;

/** What one profile event did to the User row. */
export type SyncOutcome = "applied" | "stale" | "deleted" | "invalid";

/**
 * Mirrors a profile edit into the User row, unless the row already holds this edit or a newer one.
 * Returns whether the row changed.
 */
export async function syncProfile(
  dc: DataConnect,
  uid: string,
  display: ProfileDisplay,
  version: string,
): Promise<boolean> {
  const { data } = await dc.executeMutation<{ _execute: number }, Record<string, unknown>>(
    "SyncProfileFromFirestore",
    {
      uid,
      displayName: display.displayName ?? null,
      avatarUrl: display.avatarUrl,
      bio: display.bio,
      version,
      fallbackDisplayName: initialDisplayName({}),
    },
  );
  return data._execute > 0;
}

/**
 * Handles one write of `profiles/{uid}`: the new version of the document, mirrored in order and
 * idempotently (a replayed or older event changes nothing). Deletions leave the row alone: the
 * account's lifecycle, not its profile document, decides whether it exists.
 */
export async function onProfileWrite(
  dc: DataConnect,
  uid: string,
  after: Pick<DocumentSnapshot, "exists" | "data" | "updateTime"> | undefined,
): Promise<{ outcome: SyncOutcome; error?: string }> {
  if (!after?.exists || !after.updateTime) return { outcome: "deleted" };
  const display = profileDisplay(after.data());
  if (!display.ok) return { outcome: "invalid", error: display.error };
  const applied = await syncProfile(dc, uid, display.value, profileVersion(after.updateTime));
  return { outcome: applied ? "applied" : "stale" };
}
