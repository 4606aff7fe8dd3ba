// What security rules cost per request, side by side in one run:
//  1. in process: one rules decision (simple owner rule, the product's profile validation, a list
//     query proof, a rule with get()), without any transport;
//  2. over gRPC against the executable: GetDocument and Commit p50 as a client with rules, as a client
//     with no rules loaded, and as admin (Bearer owner, which skips rules).
// Run: node bench/firestore/rules.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import type { StoredDocument } from "../../packages/firestore-emulator/src/model/document.ts";
import type { Value } from "../../packages/firestore-emulator/src/model/values.ts";
import { firestoreServiceDefinition } from "../../packages/firestore-emulator/src/proto/load.ts";
import { parseQuery } from "../../packages/firestore-emulator/src/query/parse.ts";
import {
  authorizeDocument,
  authorizeQuery,
  compileRules,
  type Ruleset,
  requestContext,
  timestampOfMicros,
} from "../../packages/firestore-emulator/src/rules/index.ts";
import { startFirestoreExecutable } from "../lib/firestore-emulator.ts";
import { summarize } from "../lib/stats.ts";
import { formatTable } from "../lib/table.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PROJECT = "demo-bench-rules";

const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /notes/{id} {
      allow read, write: if request.auth != null && request.auth.uid == 'alice';
    }
    match /rooms/{room} {
      allow get: if get(/databases/$(database)/documents/rooms/$(room)/members/$(request.auth.uid)).data.role == 'reader';
    }
  }
}`;

// --- 1. in process -------------------------------------------------------------------------------

const str = (value: string): Value => ({ kind: "string", value });
function stored(p: string, fields: Record<string, Value>): StoredDocument {
  return {
    name: `projects/${PROJECT}/databases/(default)/documents/${p}`,
    path: p,
    fields: new Map(Object.entries(fields)),
    createTime: 1,
    updateTime: 1,
  };
}

/** Microseconds per call, p50 over `rounds` rounds of `batch` calls (timer resolution is ~µs). */
function microsPerCall(fn: () => void, rounds = 200, batch = 50): number[] {
  for (let i = 0; i < 2000; i++) fn(); // warm up the JIT
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn();
    out.push(((performance.now() - t) * 1000) / batch);
  }
  return out;
}

function inProcessRows(): (string | number)[][] {
  const simple = compileRules(RULES);
  const product: Ruleset = compileRules(readFileSync(path.join(root, "firestore.rules"), "utf8"));
  const docs = new Map<string, StoredDocument>([
    ["rooms/r/members/alice", stored("rooms/r/members/alice", { role: str("reader") })],
    ["profiles/alice", stored("profiles/alice", { displayName: str("Alice") })],
  ]);
  const source = { before: (p: string) => docs.get(p) ?? null, after: (p: string) => docs.get(p) ?? null };
  const ctx = (rules: Ruleset) =>
    requestContext({
      rules,
      databaseId: "(default)",
      auth: { sub: "alice", user_id: "alice" },
      time: timestampOfMicros(Date.now() * 1000),
      source,
    });
  const profile = stored("profiles/alice", {
    displayName: str("Alice"),
    bio: str("hello"),
    avatarUrl: str("https://img.test/a.png"),
  });
  const query = parseQuery(
    { projectId: PROJECT, databaseId: "(default)" },
    `projects/${PROJECT}/databases/(default)/documents/users/alice`,
    { from: [{ collectionId: "drafts" }], limit: { value: 20 } },
  );
  const cases: [string, () => boolean][] = [
    ["get, simple owner rule", () => authorizeDocument(ctx(simple), "get", "notes/n1", null).allowed],
    [
      "update, firestore.rules profile validation",
      () =>
        authorizeDocument(ctx(product), "update", "profiles/alice", docs.get("profiles/alice")!, profile)
          .allowed,
    ],
    ["list, firestore.rules drafts query proof", () => authorizeQuery(ctx(product), query).allowed],
    ["get, rule with one get() call", () => authorizeDocument(ctx(simple), "get", "rooms/r", null).allowed],
  ];
  return cases.map(([name, fn]) => {
    if (!fn())
      throw new Error(`bench case "${name}" was denied; the benchmark must measure allowed requests`);
    const s = summarize(microsPerCall(() => void fn()));
    return [name, s.p50, s.p95, s.p99];
  });
}

// --- 2. over gRPC --------------------------------------------------------------------------------

function unsignedToken(uid: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: uid, user_id: uid, iat: 0 })}.`;
}

type Unary = (req: object, md: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void;

async function grpcSamples(
  address: string,
  authorization: string,
  method: "GetDocument" | "Commit",
  n: number,
) {
  const Client = grpc.makeClientConstructor(firestoreServiceDefinition(), "Firestore");
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as Record<string, Unary>;
  const md = new grpc.Metadata();
  md.set("authorization", authorization);
  const database = `projects/${PROJECT}/databases/(default)`;
  const request = (i: number) =>
    method === "GetDocument"
      ? { name: `${database}/documents/notes/n${i % 50}` }
      : {
          database,
          writes: [
            {
              update: {
                name: `${database}/documents/notes/n${i % 50}`,
                fields: { i: { integerValue: String(i) } },
              },
            },
          ],
        };
  const call = (i: number) =>
    new Promise<void>((resolve, reject) =>
      client[method]!.call(client, request(i), md, (e) => (e && e.code !== 5 ? reject(e) : resolve())),
    );
  for (let i = 0; i < 200; i++) await call(i); // warm up
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    samples.push(performance.now() - t);
  }
  (client as unknown as grpc.Client).close();
  return samples;
}

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-rules-"));
const rulesFile = path.join(dir, "firestore.rules");
writeFileSync(rulesFile, RULES);
const withRules = await startFirestoreExecutable(PROJECT, [`--rules=${rulesFile}`]);
const withoutRules = await startFirestoreExecutable(PROJECT);
try {
  const inProcess = inProcessRows();
  const N = 1500;
  const client = `Bearer ${unsignedToken("alice")}`;
  const variants: [string, string, string][] = [
    ["client, rules loaded", withRules.address, client],
    ["client, no rules (open)", withoutRules.address, client],
    ["admin (Bearer owner), rules loaded", withRules.address, "Bearer owner"],
  ];
  const wire: (string | number)[][] = [];
  for (const method of ["GetDocument", "Commit"] as const) {
    for (const [name, address, auth] of variants) {
      const s = summarize(await grpcSamples(address, auth, method, N));
      wire.push([method, name, String(s.count), s.p50, s.p95, s.p99]);
    }
  }
  console.log(`Firestore security rules cost (${new Date().toISOString()})\n`);
  console.log("One rules decision, in process (no transport):\n");
  console.log(formatTable(["decision", "p50 µs", "p95 µs", "p99 µs"], inProcess));
  console.log("\nOne request over gRPC to the executable, sequential:\n");
  console.log(formatTable(["rpc", "caller", "count", "p50 ms", "p95 ms", "p99 ms"], wire));
} finally {
  withRules.proc.kill("SIGTERM");
  withoutRules.proc.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
