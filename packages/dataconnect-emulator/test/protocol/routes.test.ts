import { describe, expect, it } from "vitest";
import { methodOf, parseRoute } from "../../src/protocol/routes.ts";

const CONNECTOR = "/v1/projects/demo/locations/us-central1/services/rookery/connectors/social";
const SERVICE = "/v1/projects/demo/locations/us-central1/services/rookery";

describe("parseRoute", () => {
  it("reads the service, connector and verb of a connector endpoint", () => {
    expect(parseRoute(`${CONNECTOR}:executeQuery`)).toEqual({
      kind: "connector",
      serviceId: "rookery",
      connectorId: "social",
      method: "executeQuery",
    });
  });

  it.each(["executeMutation", "impersonateQuery", "impersonateMutation"])(
    "knows the connector verb %s",
    (verb) => {
      expect(parseRoute(`${CONNECTOR}:${verb}`)).toMatchObject({ kind: "connector", method: verb });
    },
  );

  it.each(["executeGraphql", "executeGraphqlRead"])("knows the service verb %s", (verb) => {
    expect(parseRoute(`${SERVICE}:${verb}`)).toEqual({ kind: "service", serviceId: "rookery", method: verb });
  });

  it("accepts the v1beta prefix of older web SDKs", () => {
    expect(parseRoute(`${CONNECTOR.replace("/v1/", "/v1beta/")}:executeQuery`)).toMatchObject({
      kind: "connector",
    });
  });

  it("ignores the project and location segments, whatever they say", () => {
    expect(
      parseRoute("/v1/projects/undefined/locations/unused/services/rookery:executeGraphql"),
    ).toMatchObject({
      serviceId: "rookery",
    });
  });

  it("decodes percent-encoded ids", () => {
    expect(parseRoute(`${SERVICE.replace("rookery", "my%2Dsvc")}:executeGraphql`)).toMatchObject({
      serviceId: "my-svc",
    });
  });

  it("finds nothing for a connector verb on a service path, or a service verb on a connector path", () => {
    expect(parseRoute(`${SERVICE}:executeQuery`)).toBeNull();
    expect(parseRoute(`${CONNECTOR}:executeGraphql`)).toBeNull();
  });

  it("finds nothing for unknown verbs, versions and paths", () => {
    expect(parseRoute(`${CONNECTOR}:explode`)).toBeNull();
    expect(parseRoute(`${CONNECTOR.replace("/v1/", "/v2/")}:executeQuery`)).toBeNull();
    expect(parseRoute("/")).toBeNull();
    expect(parseRoute("/emulator/nope")).toBeNull();
  });

  it("knows the management endpoints", () => {
    for (const endpoint of ["info", "configure", "stream_issues", "stream_errors"]) {
      expect(parseRoute(`/emulator/${endpoint}`)).toEqual({ kind: "management", endpoint });
    }
  });
});

describe("methodOf", () => {
  it("is POST for the API and configure, GET for info and the streams", () => {
    expect(methodOf(parseRoute(`${CONNECTOR}:executeQuery`)!)).toBe("POST");
    expect(methodOf(parseRoute("/emulator/configure")!)).toBe("POST");
    expect(methodOf(parseRoute("/emulator/info")!)).toBe("GET");
    expect(methodOf(parseRoute("/emulator/stream_errors")!)).toBe("GET");
  });
});
