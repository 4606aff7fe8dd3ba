import type { Auth } from "firebase-admin/auth";
import { type CallableRequest, HttpsError } from "firebase-functions/v2/https";
import { z } from "zod";
import { type AccountArchive, exportAccount } from "./archive.ts";
import { type AccountStores, deleteMyAccount, signedInRecently } from "./deleteAccount.ts";
import type { PurgeReport } from "./purge.ts";

/** What "delete my account" must be sent: an explicit confirmation, nothing else. */
export const DeleteMyAccountRequest = z.object({ confirm: z.literal(true) }).strict();
/** What "export my data" takes: nothing (an empty object or no data). */
export const ExportMyDataRequest = z.union([z.null(), z.undefined(), z.object({}).strict()]);

function signedInUid(request: Pick<CallableRequest, "auth">): string {
  if (!request.auth) throw new HttpsError("unauthenticated", "sign in first");
  return request.auth.uid;
}

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new HttpsError(
      "invalid-argument",
      `${what}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/**
 * The signed-in user deletes their account: `{ confirm: true }`, and a sign-in within the last five
 * minutes (a stolen or forgotten session cannot do it). Answers what was removed.
 */
export function deleteMyAccountCallable(stores: () => AccountStores & { auth: Auth }) {
  return async (
    request: Pick<CallableRequest, "auth" | "data">,
  ): Promise<{ deleted: true; report: PurgeReport }> => {
    const uid = signedInUid(request);
    parse(DeleteMyAccountRequest, request.data, "send { confirm: true } to delete your account");
    if (!signedInRecently(request.auth?.token.auth_time))
      throw new HttpsError("failed-precondition", "sign in again (within 5 minutes) to delete your account");
    return { deleted: true, report: await deleteMyAccount(stores(), uid) };
  };
}

/** The signed-in user's data export (AccountArchive). */
export function exportMyDataCallable(stores: () => AccountStores) {
  return async (request: Pick<CallableRequest, "auth" | "data">): Promise<AccountArchive> => {
    const uid = signedInUid(request);
    parse(ExportMyDataRequest, request.data, "exportMyData takes no arguments");
    const { dc, db } = stores();
    return exportAccount(dc, db, uid);
  };
}
