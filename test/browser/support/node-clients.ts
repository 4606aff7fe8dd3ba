import { deleteApp, initializeApp } from "firebase/app";
import {
  connectFirestoreEmulator,
  type DocumentData,
  deleteDoc,
  doc,
  type Firestore,
  getDoc,
  initializeFirestore,
  setDoc,
  terminate,
} from "firebase/firestore";

let apps = 0;

/** The web SDK in Node, which speaks gRPC: a client on the other transport, for cross-checks. */
export interface GrpcWebClient {
  readonly db: Firestore;
  set(path: string, data: DocumentData): Promise<void>;
  remove(path: string): Promise<void>;
  /** The document's data from the server, or undefined when it does not exist. */
  get(path: string): Promise<DocumentData | undefined>;
  close(): Promise<void>;
}

/** Connects the Node web SDK (gRPC) to the emulator. */
export async function grpcWebFirestore(
  engine: { readonly host: string; readonly port: number },
  projectId: string,
): Promise<GrpcWebClient> {
  const app = initializeApp({ projectId, apiKey: "test-api-key" }, `grpc-client-${++apps}`);
  const db = initializeFirestore(app, {});
  connectFirestoreEmulator(db, engine.host, engine.port);
  return {
    db,
    set: (path, data) => setDoc(doc(db, path), data),
    remove: (path) => deleteDoc(doc(db, path)),
    get: async (path) => (await getDoc(doc(db, path))).data(),
    close: async () => {
      await terminate(db);
      await deleteApp(app);
    },
  };
}
