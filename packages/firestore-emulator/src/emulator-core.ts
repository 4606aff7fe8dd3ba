import { type DatabaseId, databaseKey } from "./model/path.ts";
import type { Ruleset } from "./rules/index.ts";
import { SecurityGate } from "./security/gate.ts";
import { RulesRegistry } from "./security/rules-registry.ts";
import type { CommitLog } from "./store/commit-log.ts";
import { type CommitEvent, Database, type DatabaseOptions } from "./store/database.ts";

/** Options of the emulator's data plane. */
export interface CoreOptions extends DatabaseOptions {
  /** The default project (`--project_id`). */
  readonly projectId: string | undefined;
  /** In single project mode, requests for other projects are logged as a likely mistake. */
  readonly singleProjectMode: boolean;
  /** Log function for warnings. */
  readonly log: (message: string) => void;
  /** Security rules in force from the start (undefined: everything is allowed until rules are set). */
  readonly rules?: Ruleset | undefined;
  /** Log one line per rules decision (the `-v=2` evaluation report). */
  readonly reportRules?: boolean | undefined;
}

/** All databases of the emulator, created on first use (as the official emulator does). */
export class EmulatorCore {
  private readonly databases = new Map<string, Database>();
  readonly options: CoreOptions;
  /** The security rules in force, per project. */
  readonly rules: RulesRegistry;
  /** Enforces the rules on client requests, for every transport. */
  readonly gate: SecurityGate;
  private readonly warnedProjects = new Set<string>();
  private commitLog: CommitLog | undefined;
  private readonly commitListeners: ((db: DatabaseId, event: CommitEvent) => void)[] = [];

  constructor(options: CoreOptions) {
    this.options = options;
    this.rules = new RulesRegistry(options.projectId, options.rules);
    this.gate = new SecurityGate(this.rules, options.reportRules ? options.log : undefined);
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
      for (const listener of this.commitListeners) this.subscribe(db, listener);
    }
    return db;
  }

  /**
   * Hears every commit of every database, present and future, once it is durable (in commit order, in
   * the committing request's context: `currentCaller()` names the writer).
   */
  onCommit(listener: (db: DatabaseId, event: CommitEvent) => void): void {
    this.commitListeners.push(listener);
    for (const db of this.databases.values()) this.subscribe(db, listener);
  }

  private subscribe(db: Database, listener: (db: DatabaseId, event: CommitEvent) => void): void {
    db.subscribe((event) => listener(db.id, event));
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
