// A chat-room service with realtime on (`clientCache`), and web-SDK clients for it, for the stream suites.
import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import {
  connectDataConnectEmulator,
  type DataConnect,
  executeQuery,
  getDataConnect,
  type QueryRef,
  type QueryResult,
  subscribe,
} from "firebase/data-connect";
import type { RunningEmulator } from "../../src/index.ts";
import { dataconnectYaml } from "../protocol/support/config-dir.ts";
import { emulatorIdToken } from "../protocol/support/tokens.ts";
import { signInWithIdToken } from "../protocol/support/web-auth.ts";

export const CHAT_SCHEMA = `type Room @table {
  name: String!
}

type Message @table {
  room: Room!
  author: String!
  text: String!
}
`;

export const CHAT_CONNECTOR = `query GetRoom($id: UUID!) @auth(level: PUBLIC) {
  room(id: $id) { name }
}

query RoomMessages($roomId: UUID!) @auth(level: PUBLIC)
  @refresh(onMutationExecuted: { operation: "SendMessage", condition: "mutation.variables.roomId == request.variables.roomId" }) {
  messages(where: { roomId: { eq: $roomId } }, orderBy: { text: ASC }) { text author }
}

query MyMessages @auth(level: USER) @refresh(onMutationExecuted: { operation: "SendMessage" }) {
  messages(where: { author: { eq_expr: "auth.uid" } }, orderBy: { text: ASC }) { text }
}

query Rooms @auth(level: PUBLIC) {
  rooms(orderBy: { name: ASC }) { name }
}

mutation SendMessage($roomId: UUID!, $text: String!) @auth(level: USER) {
  message_insert(data: { roomId: $roomId, author_expr: "auth.uid", text: $text })
}

mutation AddRoom($name: String!) @auth(level: PUBLIC) {
  room_insert(data: { name: $name })
}

mutation RenameRoom($id: UUID!, $name: String!) @auth(level: PUBLIC) {
  room_update(id: $id, data: { name: $name })
}
`;

/** Config directory files: connector `chat` with `clientCache` (realtime on), or without it. */
export function chatConfig(options: { clientCache?: boolean } = {}): Record<string, string> {
  const clientCache = options.clientCache ?? true;
  return {
    "dataconnect.yaml": dataconnectYaml("svc"),
    "schema/schema.gql": CHAT_SCHEMA,
    "connector/connector.yaml": [
      'connectorId: "chat"',
      "generate:",
      "  javascriptSdk:",
      '    outputDir: "../generated"',
      '    package: "@chat/generated"',
      ...(clientCache ? ["    clientCache:", "      maxAge: 5s"] : []),
      "",
    ].join("\n"),
    "connector/chat.gql": CHAT_CONNECTOR,
  };
}

/** Unsubscribers of every recorder still open (the SDK does not close streams when an app is deleted). */
const openRecorders = new Set<() => void>();

/** Web apps on the emulator: each `client()` is its own app (its own stream), signed in if `uid` is given. */
export function webClients(emulator: () => RunningEmulator) {
  const apps: FirebaseApp[] = [];
  let n = 0;
  return {
    client(uid?: string): DataConnect {
      const app = initializeApp(
        { projectId: "demo-test", apiKey: "fake-api-key" },
        `stream-${n++}-${Date.now()}`,
      );
      apps.push(app);
      if (uid) signInWithIdToken(app, uid, emulatorIdToken(uid));
      const dc = getDataConnect(app, { connector: "chat", service: "svc", location: "us-central1" });
      connectDataConnectEmulator(dc, "127.0.0.1", emulator().addresses[0]!.port);
      return dc;
    },
    async closeAll(): Promise<void> {
      for (const unsubscribe of [...openRecorders]) unsubscribe();
      await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
    },
  };
}

/** A subscription that records what it receives and can wait for the next result or error. */
export interface Recorder<Data> {
  /** Every server result received, the initial ones included. */
  results: Data[];
  /**
   * The changes seen after `ready()`: each result that differs from the one before it. Repeats are left
   * out because the SDK itself hands a subscriber the same answer more than once (once as the reply to
   * its fetch, once as the subscription's data); whether the engine pushes unchanged results is pinned
   * by the hub's own tests, where every send is seen.
   */
  readonly updates: Data[];
  errors: Error[];
  /**
   * Resolves with the current result once the initial ones are all in. Subscribing, the SDK subscribes
   * over the stream and also fetches the query, which goes over the stream as a `resume` once the
   * subscription exists; the engine answers the two with one result or two, depending on whether the
   * first run finished before the resume arrived (the SDK accepts either). So this waits for both initial
   * results, then fetches once more itself: the SDK sends that resume only after its own was answered,
   * so once it is answered no initial result is still on its way.
   */
  ready(timeoutMs?: number): Promise<Data>;
  /** Resolves with change number `n` after `ready()` (see `updates`). */
  update(n: number, timeoutMs?: number): Promise<Data>;
  /** Resolves with the first result received so far, or later, that matches `test`. */
  find(test: (data: Data) => boolean, timeoutMs?: number): Promise<Data>;
  /** Resolves with the first result received from now on that matches `test` (default: one that differs from the latest). */
  next(test?: (data: Data) => boolean, timeoutMs?: number): Promise<Data>;
  nextError(timeoutMs?: number): Promise<Error>;
  unsubscribe(): void;
}

/** Subscribes to `ref` and records every server result (cache echoes are left out). */
export function record<Data, Variables>(ref: QueryRef<Data, Variables>): Recorder<Data> {
  const results: Data[] = [];
  const errors: Error[] = [];
  let baseline = Number.POSITIVE_INFINITY;
  // Results from index `from` on that differ from the result before them.
  const changesFrom = (from: number) =>
    results.slice(from).filter((data, i) => JSON.stringify(data) !== JSON.stringify(results[from + i - 1]));
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const sdkUnsubscribe = subscribe(ref, {
    onNext: (result: QueryResult<Data, Variables>) => {
      if (result.source !== "SERVER") return;
      results.push(result.data);
      wake();
    },
    onErr: (error) => {
      errors.push(error ?? new Error("unknown"));
      wake();
    },
  });
  const unsubscribe = () => {
    openRecorders.delete(unsubscribe);
    sdkUnsubscribe();
  };
  openRecorders.add(unsubscribe);
  const waitFor = <T>(find: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs}ms`)), timeoutMs);
      const check = () => {
        const found = find();
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  return {
    results,
    get updates() {
      return changesFrom(baseline);
    },
    errors,
    async ready(timeoutMs = 10_000) {
      await waitFor(() => results[1], timeoutMs, "both initial results");
      await executeQuery(ref);
      // The subscriber hears of that answer right after the caller does.
      await new Promise((resolve) => setTimeout(resolve, 20));
      baseline = results.length;
      return results.at(-1)!;
    },
    update(n, timeoutMs = 10_000) {
      return waitFor(() => changesFrom(baseline)[n - 1], timeoutMs, `change #${n}`);
    },
    find(test, timeoutMs = 10_000) {
      return waitFor(() => results.find(test), timeoutMs, "matching result");
    },
    next(test, timeoutMs = 10_000) {
      const from = results.length;
      const latest = JSON.stringify(results.at(-1));
      test ??= (data) => JSON.stringify(data) !== latest;
      return waitFor(() => results.slice(from).find(test), timeoutMs, "matching result");
    },
    nextError(timeoutMs = 10_000) {
      const from = errors.length;
      return waitFor(() => errors[from], timeoutMs, "error");
    },
    unsubscribe,
  };
}
