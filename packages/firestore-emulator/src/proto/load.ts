import { createRequire } from "node:module";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { withStrictDecoding } from "./decode.ts";

/**
 * Where the Firestore v1 protos live: the ones shipped inside `@google-cloud/firestore`, so the
 * emulator speaks exactly the wire format of the SDK version installed next to it.
 */
function protosRoot(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@google-cloud/firestore/package.json");
  return path.join(path.dirname(pkg), "build", "protos");
}

/**
 * `Write.verify` (field 5 of the `operation` oneof) is part of production's API and the web SDK sends
 * it for documents a transaction read but did not write; the protos `@google-cloud/firestore` ships
 * omit it. Without it grpc-js would drop the field and the write would look empty, so it is added to
 * the loaded descriptor (nothing else is changed).
 */
function addWriteVerify(root: protobuf.Root): void {
  const write = root.lookupType("google.firestore.v1.Write");
  if (write.fields.verify) return;
  const verify = new protobuf.Field("verify", 5, "string");
  write.add(verify);
  write.oneofs?.operation?.add(verify);
}

let cachedRoot: protobuf.Root | undefined;

/**
 * The `google.firestore.v1` descriptors (camelCase field names, as proto3 JSON names them), loaded
 * once per process. The gRPC service, the proto3 JSON codec (REST, WebChannel) and the trigger
 * payloads all use this one.
 */
export function firestoreProtos(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const dir = protosRoot();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(dir, target);
  root.loadSync("google/firestore/v1/firestore.proto", { keepCase: false });
  addWriteVerify(root);
  root.resolveAll();
  cachedRoot = root;
  return root;
}

/** A message type of the loaded protos, by its full name (e.g. `google.firestore.v1.Document`). */
export function protoType(fullName: string): protobuf.Type {
  return firestoreProtos().lookupType(fullName);
}

/** One RPC of google.firestore.v1.Firestore: its message types and which sides stream. */
export interface FirestoreMethod {
  readonly name: string;
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly clientStreaming: boolean;
  readonly serverStreaming: boolean;
}

let cachedMethods: ReadonlyMap<string, FirestoreMethod> | undefined;

/** The Firestore RPC with this name (`Listen`, `Commit`, ...), or undefined. */
export function firestoreMethod(name: string): FirestoreMethod | undefined {
  cachedMethods ??= new Map(
    firestoreProtos()
      .lookupService("google.firestore.v1.Firestore")
      .methodsArray.map((m) => {
        m.resolve();
        return [
          m.name,
          {
            name: m.name,
            request: m.resolvedRequestType!,
            response: m.resolvedResponseType!,
            clientStreaming: m.requestStream === true,
            serverStreaming: m.responseStream === true,
          },
        ];
      }),
  );
  return cachedMethods.get(name);
}

/**
 * Decoding options. Longs stay strings (int64 must not lose precision), enums are names, bytes are
 * Buffers, and `oneofs` is off: handlers test for the presence of a oneof member directly.
 */
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: false,
};

let cached: grpc.ServiceDefinition | undefined;
let cachedStrict: grpc.ServiceDefinition | undefined;

/**
 * The service definition the server uses: request decoding that refuses malformed messages with
 * INVALID_ARGUMENT instead of throwing (see decode.ts), over the same descriptors (`Write.verify`
 * included).
 */
export function strictFirestoreServiceDefinition(): grpc.ServiceDefinition {
  cachedStrict ??= withStrictDecoding(firestoreServiceDefinition(), firestoreProtos());
  return cachedStrict;
}

/** The `google.firestore.v1.Firestore` service definition, loaded once per process. */
export function firestoreServiceDefinition(): grpc.ServiceDefinition {
  if (cached) return cached;
  // Field names in the descriptor are already camelCase, so proto-loader keeps them as they are.
  const definition = protoLoader.fromJSON(firestoreProtos().toJSON(), LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { firestore: { v1: { Firestore: { service: grpc.ServiceDefinition } } } };
  };
  cached = loaded.google.firestore.v1.Firestore.service;
  return cached;
}
