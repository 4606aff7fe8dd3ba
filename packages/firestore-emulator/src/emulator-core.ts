import { type DatabaseId, databaseKey } from "./model/path.ts";
import type { CommitLog } from "./store/commit-log.ts";
import { Database, type DatabaseOptions } from "./store/database.ts";

/** Options of the emulator's data plane. */
export interface CoreOptions extends DatabaseOptions {
  /** The default project (`--project_id`). */
  readonly projectId: string | undefined;
  /** In single project mode, requests for other projects are logged as a likely mistake. */
  readonly singleProjectMode: boolean;
  /** Log function for warnings. */
  readonly log: (message: string) => void;
}

/** All databases of the emulator, created on first use (as the official emulator does). */
export class EmulatorCore {
  private readonly databases = new Map<string, Database>();
  readonly options: CoreOptions;
  private readonly warnedProjects = new Set<string>();
  private commitLog: CommitLog | undefined;

  constructor(options: CoreOptions) {
    this.options = options;
  }

  /** The database with this id, created empty when first seen. */
  database(id: DatabaseId): Database {
    const key = databaseKey(id);
    let db = this.databases.get(key);
    if (!db) {
      const { projectId, singleProjectMode } = this.options;
      if (
        singleProjectMode &&
        projectId &&
        id.projectId !== projectId &&
        !this.warnedProjects.has(id.projectId)
      ) {
        this.warnedProjects.add(id.projectId);
        this.options.log(
          `Warning: request for project "${id.projectId}" while running in single project mode for "${projectId}".`,
        );
      }
      db = new Database(id, this.options, this.commitLog);
      this.databases.set(key, db);
    }
    return db;
  }

  /** Every database that holds or held data. */
  allDatabases(): Database[] {
    return [...this.databases.values()];
  }

  /** Sends every later change of every database (present and future) to a commit log. */
  attachCommitLog(log: CommitLog): void {
    this.commitLog = log;
    for (const db of this.databases.values()) db.attachCommitLog(log);
  }

  /** Whether no database holds or held any document. */
  get isEmpty(): boolean {
    return [...this.databases.values()].every((db) => db.store.isEmpty);
  }

  /** Deletes every document of one database (the DELETE .../documents REST call). */
  async clear(id: DatabaseId): Promise<void> {
    await this.databases.get(databaseKey(id))?.clear();
  }

  /** Deletes every document of every database. */
  async clearAll(): Promise<void> {
    for (const db of this.databases.values()) await db.clear();
  }
}
