import { grpcTarget } from "./grpc.ts";
import { http2Target } from "./http2.ts";
import { restTarget } from "./rest.ts";
import type { FuzzTargetFactory } from "./target.ts";
import { webchannelTarget } from "./webchannel.ts";

/**
 * Every transport the fuzz test drives. A new transport adds a module next to these that builds a
 * FuzzTarget, and one line here.
 */
export const FUZZ_TARGETS: readonly FuzzTargetFactory[] = [
  restTarget,
  grpcTarget,
  http2Target,
  webchannelTarget,
];
