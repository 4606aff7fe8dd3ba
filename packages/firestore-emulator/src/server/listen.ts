import type * as grpc from "@grpc/grpc-js";
import type { EmulatorCore } from "../emulator-core.ts";
import { invalidArgument } from "../errors.ts";
import { ListenSession } from "../listen/session.ts";
import { databaseName } from "../model/path.ts";
import type { ProtoTarget } from "../proto/types.ts";
import { databaseFromName } from "./context.ts";
import { contextOf } from "./request-context.ts";
import { grpcError, rejectMalformed } from "./rpc.ts";

interface ListenRequest {
  database?: string;
  addTarget?: ProtoTarget;
  removeTarget?: number;
}

/** The Listen stream: one session per stream, fed add_target/remove_target requests in order. */
export function listenHandler(core: EmulatorCore) {
  return (call: grpc.ServerDuplexStream<ListenRequest, object>): void => {
    let session: ListenSession | undefined;
    let database = "";
    let ended = false;
    const close = () => {
      ended = true;
      session?.close();
    };
    call.on("data", (request: ListenRequest) => {
      if (ended) return;
      try {
        rejectMalformed(request, "Listen");
        if (!session) {
          const { caller } = contextOf(call.metadata);
          const db = databaseFromName(core, request.database);
          database = databaseName(db.id);
          session = new ListenSession(
            db,
            (response) => {
              if (!ended) call.write(response);
            },
            (target) => core.gate.authorizeTarget(caller, db, target),
          );
        } else if (request.database && request.database !== database) {
          throw invalidArgument("A Listen stream serves one database.");
        }
        if (request.addTarget) session.addTarget(request.addTarget);
        else if (request.removeTarget !== undefined) session.removeTarget(request.removeTarget);
        else throw invalidArgument("A ListenRequest must add or remove a target.");
      } catch (error) {
        close();
        call.emit("error", grpcError(error));
      }
    });
    call.on("end", () => {
      if (ended) return;
      close();
      call.end();
    });
    call.on("error", close);
    call.on("cancelled", close);
    call.on("close", close);
  };
}
