import type { GraphqlError } from "../errors.ts";
import type { Broadcast } from "./broadcast.ts";
import type { ConfigureRequest } from "./requests.ts";

/** One entry of `/emulator/stream_issues` (VS Code shows ALERTs as pop-ups and re-introspects on FILE_RELOAD). */
export interface Issue {
  kind: "SQL_CONNECTION" | "SQL_MIGRATION" | "VERTEX_AI" | "FILE_RELOAD";
  severity: "DEBUG" | "NOTICE" | "ALERT";
  message: string;
}

/** The body of `GET /emulator/info`. */
export interface EmulatorInfo {
  version: string;
  services: { serviceId: string; connectionString: string }[];
}

/** What the management endpoints need from the running emulator. */
export interface EmulatorControl {
  info(): EmulatorInfo;
  /** Connects to the Postgres firebase-tools names and migrates it; throws (with the reason) on failure. */
  configure(request: ConfigureRequest): Promise<void>;
  /** Issues of the latest event (database connection, migration, reload). */
  readonly issues: Broadcast<Issue[]>;
  /** The current schema and connector errors (empty when the sources compile). */
  readonly errors: Broadcast<GraphqlError[]>;
  /** The service the config directory defines, when it could be read. */
  serviceId(): string | undefined;
}
