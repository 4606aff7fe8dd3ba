// Keeps the Auth emulator's accounts in `.rookery/auth`, in the layout `firebase emulators:start
// --import` reads (firebase-export-metadata.json + auth_export/{accounts,config}.json), so the next
// start imports them. firebase-tools' own --export-on-exit only runs on a clean exit and its hub
// export logs every call, so instead the accounts are read every few seconds and written when they
// changed: a crash loses at most that interval of sign-ups.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

const METADATA_FILE = "firebase-export-metadata.json";

/** Whether `dir` holds an export firebase-tools can `--import`. */
export function hasAuthExport(dir: string): boolean {
  return existsSync(path.join(dir, METADATA_FILE));
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

/** Periodic snapshots of the Auth emulator's accounts and config. */
export class AuthSnapshotter {
  private readonly options: { host: string; project: string; dir: string; firebaseToolsVersion: string };
  private lastDigest: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;

  constructor(options: { host: string; project: string; dir: string; firebaseToolsVersion: string }) {
    this.options = options;
  }

  private async fetchText(route: string): Promise<string> {
    const res = await fetch(`http://${this.options.host}${route}`, {
      headers: { authorization: "Bearer owner" },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`${route} answered ${res.status}`);
    return res.text();
  }

  /** Reads accounts and config; writes them if they changed. Resolves with whether it wrote. */
  snapshot(): Promise<boolean> {
    this.running ??= this.takeSnapshot().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async takeSnapshot(): Promise<boolean> {
    const { project, dir, firebaseToolsVersion } = this.options;
    const accounts = await this.fetchText(
      `/identitytoolkit.googleapis.com/v1/projects/${project}/accounts:batchGet?maxResults=-1`,
    );
    const config = await this.fetchText(`/emulator/v1/projects/${project}/config`);
    const digest = createHash("sha256").update(accounts).update("\0").update(config).digest("hex");
    if (digest === this.lastDigest) return false;
    const exportDir = path.join(dir, "auth_export");
    await mkdir(exportDir, { recursive: true });
    await writeAtomically(path.join(exportDir, "accounts.json"), accounts);
    await writeAtomically(path.join(exportDir, "config.json"), config);
    await writeAtomically(
      path.join(dir, METADATA_FILE),
      JSON.stringify(
        { version: firebaseToolsVersion, auth: { version: firebaseToolsVersion, path: "auth_export" } },
        null,
        2,
      ),
    );
    this.lastDigest = digest;
    return true;
  }

  /** Snapshots every `intervalMs` until `stop()`; failures are retried on the next tick. */
  start(intervalMs: number, onError: (error: Error) => void): void {
    this.timer ??= setInterval(() => {
      this.snapshot().catch(onError);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
