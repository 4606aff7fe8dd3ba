import type { Random } from "./random.ts";

/**
 * One way of talking to the engine, fuzzed. Each transport (REST, gRPC, raw HTTP/2 frames; the
 * WebChannel transport adds its own module to `targets.ts`) sends one random request per `send`,
 * and resolves with a short label of what came back once the engine answered, refused or closed
 * the connection. `send` never rejects for anything the engine does.
 */
export interface FuzzTarget {
  readonly name: string;
  send(rng: Random): Promise<string>;
  close(): void;
}

/** What every target knows about the engine under test. */
export interface FuzzContext {
  readonly host: string;
  readonly port: number;
  /** The project fuzzed requests name (the data under test lives in another one). */
  readonly project: string;
}

/** Builds a target for an engine. */
export type FuzzTargetFactory = (context: FuzzContext) => FuzzTarget;

/** Resolves after `ms`, or with `fallback` if the promise takes longer. */
export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}
