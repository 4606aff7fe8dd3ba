import type { Service } from "../engine/types.ts";
import { RequestError } from "../errors.ts";

/** One request's hold on the service it started with, so a reload never pulls it away mid-flight. */
export interface Lease {
  readonly service: Service;
  release(): void;
}

interface Generation {
  service: Service;
  active: number;
  retired: boolean;
  drained: () => void;
  whenDrained: Promise<void>;
}

/**
 * The service requests go to now. Reloads and database switches `swap` it atomically: new requests see the
 * new service at once, while the returned promise tells the caller when requests on the old one are done
 * (so it may close the old database).
 */
export class ServiceHolder {
  #current: Generation | null = null;
  #unavailable: string;

  constructor(unavailableMessage = "the Data Connect emulator is starting") {
    this.#unavailable = unavailableMessage;
  }

  /** The current service, held until `release`; UNAVAILABLE (with the reason) while there is none. */
  acquire(): Lease {
    const generation = this.#current;
    if (!generation) throw new RequestError("UNAVAILABLE", this.#unavailable);
    generation.active++;
    let released = false;
    return {
      service: generation.service,
      release: () => {
        if (released) return;
        released = true;
        generation.active--;
        if (generation.retired && generation.active === 0) generation.drained();
      },
    };
  }

  /** The service new requests get, if any (for information; use `acquire` to run requests). */
  get service(): Service | null {
    return this.#current?.service ?? null;
  }

  /** Serves `service` from now on; resolves once no request still runs on the previous one. */
  swap(service: Service): Promise<void> {
    let drained = () => {};
    const whenDrained = new Promise<void>((resolve) => {
      drained = resolve;
    });
    return this.#replace({ service, active: 0, retired: false, drained, whenDrained });
  }

  /** Stops serving (requests get UNAVAILABLE with `message`); resolves once in-flight requests are done. */
  withdraw(message: string): Promise<void> {
    this.#unavailable = message;
    return this.#replace(null);
  }

  /** Updates why there is no service, without touching a service that is there. */
  setUnavailableMessage(message: string): void {
    this.#unavailable = message;
  }

  #replace(next: Generation | null): Promise<void> {
    const previous = this.#current;
    this.#current = next;
    if (!previous) return Promise.resolve();
    previous.retired = true;
    if (previous.active === 0) previous.drained();
    return previous.whenDrained;
  }
}
