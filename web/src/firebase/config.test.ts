import { describe, expect, it } from "vitest";
import { appConfigFromEnv, splitHostPort } from "./config.ts";

describe("appConfigFromEnv", () => {
  it("points at the local emulators of project demo-rookery without a real project's key", () => {
    const config = appConfigFromEnv({
      VITE_AUTH_EMULATOR_HOST: "127.0.0.1:1111",
      VITE_DATACONNECT_EMULATOR_HOST: "127.0.0.1:2222",
    });
    expect(config.options.projectId).toBe("demo-rookery");
    expect(config.emulators).toEqual({
      auth: "127.0.0.1:1111",
      dataConnect: "127.0.0.1:2222",
      firestore: "127.0.0.1:8080",
      functions: "127.0.0.1:5001",
    });
  });

  it("reads the Functions emulator's address like the others'", () => {
    const config = appConfigFromEnv({ VITE_FUNCTIONS_EMULATOR_HOST: "127.0.0.1:3333" });
    expect(config.emulators?.functions).toBe("127.0.0.1:3333");
  });

  it("uses the real project the VITE_FIREBASE_* variables name, without emulators", () => {
    const config = appConfigFromEnv({
      VITE_FIREBASE_API_KEY: "key",
      VITE_FIREBASE_PROJECT_ID: "rookery-prod",
      VITE_FIREBASE_APP_ID: "1:2:web:3",
      VITE_AUTH_EMULATOR_HOST: "127.0.0.1:1111",
    });
    expect(config.emulators).toBeNull();
    expect(config.options).toEqual({
      apiKey: "key",
      projectId: "rookery-prod",
      appId: "1:2:web:3",
      authDomain: "rookery-prod.firebaseapp.com",
    });
  });

  it("names the variables a real project still needs", () => {
    expect(() => appConfigFromEnv({ VITE_FIREBASE_API_KEY: "key" })).toThrow(
      "Set VITE_FIREBASE_PROJECT_ID and VITE_FIREBASE_APP_ID",
    );
  });
});

describe("splitHostPort", () => {
  it("splits host and port, IPv6 included", () => {
    expect(splitHostPort("127.0.0.1:9399")).toEqual({ host: "127.0.0.1", port: 9399 });
    expect(splitHostPort("[::1]:9399")).toEqual({ host: "::1", port: 9399 });
  });

  it("refuses an address without a port", () => {
    expect(() => splitHostPort("localhost")).toThrow("not a host:port");
  });
});
