import * as grpc from "@grpc/grpc-js";
import { firestoreProtos } from "../../../src/proto/load.ts";
import { mutateBytes } from "./random.ts";
import { RequestGenerator } from "./requests.ts";
import { type FuzzContext, type FuzzTarget, withTimeout } from "./target.ts";

const SERVICE = "google.firestore.v1.Firestore";
const UNARY = [
  "GetDocument",
  "ListDocuments",
  "CreateDocument",
  "UpdateDocument",
  "DeleteDocument",
  "Commit",
  "BeginTransaction",
  "Rollback",
  "BatchWrite",
  "ListCollectionIds",
  "PartitionQuery",
];
const SERVER_STREAM = ["BatchGetDocuments", "RunQuery", "RunAggregationQuery", "ExecutePipeline"];
const BIDI = ["Listen", "Write"];

/** Encodes a request; protobufjs coerces what it can and throws on the rest. */
function encode(method: string, request: object): Buffer | undefined {
  try {
    const root = firestoreProtos();
    const type = root.lookupType(root.lookupService(SERVICE).methods[method]!.requestType);
    return Buffer.from(type.encode(type.fromObject(request)).finish());
  } catch {
    return undefined;
  }
}

const identity = (b: Buffer) => b;

/** Random unary, server-streaming and bidi calls: structured requests, then byte-mutated ones. */
export function grpcTarget(context: FuzzContext): FuzzTarget {
  const client = new grpc.Client(`${context.host}:${context.port}`, grpc.credentials.createInsecure());
  return {
    name: "gRPC",
    close: () => client.close(),
    send: (rng) => {
      const method = rng.pick([...UNARY, ...SERVER_STREAM, ...BIDI]);
      const generator = new RequestGenerator(rng, context.project);
      const encodeOne = () => {
        const plain = encode(method, generator.request(method)) ?? rng.bytes(rng.int(0, 64));
        return rng.chance(0.65) ? plain : mutateBytes(rng, plain);
      };
      const path = `/${SERVICE}/${method}`;
      const options = { deadline: Date.now() + 3000 };
      const outcome = new Promise<string>((resolve) => {
        const done = (status: grpc.status) => resolve(`${method} ${grpc.status[status]}`);
        if (UNARY.includes(method)) {
          client.makeUnaryRequest(path, identity, identity, encodeOne(), new grpc.Metadata(), options, (e) =>
            done(e ? e.code : grpc.status.OK),
          );
        } else if (SERVER_STREAM.includes(method)) {
          const call = client.makeServerStreamRequest(
            path,
            identity,
            identity,
            encodeOne(),
            new grpc.Metadata(),
            options,
          );
          call.on("data", () => {});
          call.on("error", (e: grpc.ServiceError) => done(e.code));
          call.on("status", (s: grpc.StatusObject) => done(s.code));
        } else {
          const call = client.makeBidiStreamRequest(path, identity, identity, new grpc.Metadata(), options);
          call.on("data", () => {});
          call.on("error", (e: grpc.ServiceError) => done(e.code));
          call.on("status", (s: grpc.StatusObject) => done(s.code));
          for (let i = rng.int(1, 4); i > 0; i--) call.write(encodeOne());
          const endCleanly = rng.chance(0.5);
          setTimeout(() => (endCleanly ? call.end() : call.cancel()), rng.int(0, 200));
        }
      });
      return withTimeout(outcome, 5000, `${method} no answer`);
    },
  };
}
