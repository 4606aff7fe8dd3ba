import { describe, expect, it } from "vitest";
import type { Service } from "../../src/engine/types.ts";
import { ServiceHolder } from "../../src/protocol/service-holder.ts";

const service = (serviceId: string): Service => ({
  serviceId,
  executeConnector: async () => ({ data: null }),
  executeGraphql: async () => ({ data: null }),
  subscribeQuery: async () => ({ response: { data: null }, watch: null }),
});

describe("ServiceHolder", () => {
  it("answers UNAVAILABLE with the reason while it holds no service", () => {
    const holder = new ServiceHolder("waiting for a database");
    expect(() => holder.acquire()).toThrow(
      expect.objectContaining({ status: "UNAVAILABLE", message: "waiting for a database" }),
    );
  });

  it("gives new requests the swapped-in service at once", async () => {
    const holder = new ServiceHolder();
    await holder.swap(service("a"));
    const old = holder.acquire();
    void holder.swap(service("b"));
    expect(holder.acquire().service.serviceId).toBe("b");
    expect(old.service.serviceId).toBe("a");
  });

  it("reports the old service drained only once its last request is released", async () => {
    const holder = new ServiceHolder();
    await holder.swap(service("a"));
    const lease = holder.acquire();
    let drained = false;
    void holder.swap(service("b")).then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    lease.release();
    lease.release(); // releasing twice is harmless
    await Promise.resolve();
    expect(drained).toBe(true);
  });

  it("stops serving on withdraw, with the message given", async () => {
    const holder = new ServiceHolder();
    await holder.swap(service("a"));
    await holder.withdraw("shutting down");
    expect(holder.service).toBeNull();
    expect(() => holder.acquire()).toThrow("shutting down");
  });
});
