// The account's callables (functions/src/account): the data export, downloaded as a JSON file, and the
// deletion. Through the lazily loaded Functions SDK, so the first page load does not carry it.
import { loadFunctions } from "../firebase/functions.ts";

/** The export's file name: rookery-<username or uid>-<UTC date>.json. */
export function exportFileName(handle: string, now = new Date()): string {
  const safe = handle.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40) || "account";
  return `rookery-${safe}-${now.toISOString().slice(0, 10)}.json`;
}

/** The export as the file the browser saves: pretty-printed JSON. */
export function exportBlob(archive: unknown): Blob {
  return new Blob([`${JSON.stringify(archive, null, 2)}\n`], { type: "application/json" });
}

/** Asks `exportMyData` for the signed-in account's archive and saves it as `fileName`. */
export async function downloadMyData(fileName: string): Promise<void> {
  const [functions, { httpsCallable }] = await Promise.all([loadFunctions(), import("firebase/functions")]);
  const { data } = await httpsCallable(functions, "exportMyData", { timeout: 300_000 })({});
  const url = URL.createObjectURL(exportBlob(data));
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    link.rel = "noopener";
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The download has its own copy once started; revoke after the click has been handled.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** Whether a callable refused because the sign-in is too old (deleteMyAccount wants one within 5 minutes). */
export function needsRecentSignIn(error: unknown): boolean {
  return (error as { code?: unknown }).code === "functions/failed-precondition";
}

/** Deletes the signed-in account through `deleteMyAccount` (the server removes its data, then the account). */
export async function deleteMyAccount(): Promise<void> {
  const [functions, { httpsCallable }] = await Promise.all([loadFunctions(), import("firebase/functions")]);
  await httpsCallable(functions, "deleteMyAccount")({ confirm: true });
}
