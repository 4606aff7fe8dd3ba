import { createRequire } from "node:module";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type protobuf from "protobufjs";
import { loadRoot, withStrictDecoding } from "./decode.ts";

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
 * Decoding options. Longs stay strings (int64 must not lose precision), enums are names, bytes are
 * Buffers, and `oneofs` is off: handlers test for the presence of a oneof member directly.
 */
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: false,
};

const SERVICE_FILE = "google/firestore/v1/firestore.proto";
let cached: grpc.ServiceDefinition | undefined;
let cachedStrict: grpc.ServiceDefinition | undefined;
let cachedRoot: protobuf.Root | undefined;

/** The Firestore protos as a protobufjs root (message types by full name). */
export function firestoreProtoRoot(): protobuf.Root {
  cachedRoot ??= loadRoot(protosRoot(), SERVICE_FILE);
  return cachedRoot;
}

/**
 * The service definition the server uses: request decoding that refuses malformed messages with
 * INVALID_ARGUMENT instead of throwing (see decode.ts).
 */
export function strictFirestoreServiceDefinition(): grpc.ServiceDefinition {
  cachedStrict ??= withStrictDecoding(firestoreServiceDefinition(), firestoreProtoRoot());
  return cachedStrict;
}

/** The `google.firestore.v1.Firestore` service definition, loaded once per process. */
export function firestoreServiceDefinition(): grpc.ServiceDefinition {
  if (cached) return cached;
  const root = protosRoot();
  const definition = protoLoader.loadSync(SERVICE_FILE, {
    ...LOADER_OPTIONS,
    includeDirs: [root],
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { firestore: { v1: { Firestore: { service: grpc.ServiceDefinition } } } };
  };
  cached = loaded.google.firestore.v1.Firestore.service;
  return cached;
}
