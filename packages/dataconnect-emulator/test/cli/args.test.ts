import { describe, expect, it } from "vitest";
import { devOptions, globalOptions, parseArgs, parseListen } from "../../src/cli/args.ts";

describe("parseArgs", () => {
  it("reads firebase-tools' exact command line", () => {
    const argv = [
      "--logtostderr",
      "-v=2",
      "dev",
      "--listen=127.0.0.1:9399,[::1]:9399",
      "--config_dir=/abs/dataconnect",
      "--enable_output_schema_extensions=true",
      "--enable_output_generated_sdk=true",
    ];
    expect(parseArgs(argv)).toEqual({
      positionals: ["dev"],
      flags: {
        logtostderr: "true",
        v: "2",
        listen: "127.0.0.1:9399,[::1]:9399",
        config_dir: "/abs/dataconnect",
        enable_output_schema_extensions: "true",
        enable_output_generated_sdk: "true",
      },
    });
  });

  it("accepts `--key value` as well as `--key=value`", () => {
    expect(parseArgs(["dev", "--config_dir", "dir", "--listen", ":1"]).flags).toEqual({
      config_dir: "dir",
      listen: ":1",
    });
  });

  it("lets a boolean flag stand alone or take an explicit true/false", () => {
    expect(parseArgs(["--watch", "dev"]).flags).toEqual({ watch: "true" });
    expect(parseArgs(["dev", "--watch", "false"]).flags).toEqual({ watch: "false" });
  });

  it("keeps multi-word subcommands in order", () => {
    expect(parseArgs(["-v=2", "sdk", "generate", "--config_dir=x"]).positionals).toEqual(["sdk", "generate"]);
  });

  it("refuses a value flag without its value", () => {
    expect(() => parseArgs(["dev", "--config_dir"])).toThrow("needs a value");
    expect(() => parseArgs(["dev", "--config_dir", "--listen=:1"])).toThrow("needs a value");
  });
});

describe("parseListen", () => {
  it("reads IPv4, bracketed IPv6 and host names", () => {
    expect(parseListen("127.0.0.1:9399,[::1]:9399,localhost:80")).toEqual([
      { host: "127.0.0.1", port: 9399 },
      { host: "::1", port: 9399 },
      { host: "localhost", port: 80 },
    ]);
  });

  it("reads an empty host as every interface", () => {
    expect(parseListen(":9399")).toEqual([{ host: "", port: 9399 }]);
  });

  it.each(["127.0.0.1", "::1:9399", "[::1]", "host:port", "h:70000", ""])("refuses %j", (spec) => {
    expect(() => parseListen(spec)).toThrow(/--listen/);
  });
});

describe("globalOptions", () => {
  it("reads -v as the verbosity, 0 by default", () => {
    expect(globalOptions({ v: "2" })).toEqual({ verbosity: 2 });
    expect(globalOptions({})).toEqual({ verbosity: 0 });
    expect(() => globalOptions({ v: "loud" })).toThrow();
  });
});

describe("devOptions", () => {
  it("needs --config_dir", () => {
    expect(() => devOptions({})).toThrow("--config_dir");
  });

  it("defaults to 127.0.0.1:9399, watching, standalone after 1.5 s, no outputs", () => {
    expect(devOptions({ config_dir: "d" })).toEqual({
      options: {
        listen: [{ host: "127.0.0.1", port: 9399 }],
        configDir: "d",
        outputSchemaExtensions: false,
        outputGeneratedSdk: false,
        standaloneAfterMs: 1500,
        watch: true,
      },
      unknownFlags: [],
    });
  });

  it("reads the database choices and refuses both at once", () => {
    expect(devOptions({ config_dir: "d", data_dir: "/data" }).options.dataDir).toBe("/data");
    expect(devOptions({ config_dir: "d", database_url: "postgres://h/db" }).options.databaseUrl).toBe(
      "postgres://h/db",
    );
    expect(() => devOptions({ config_dir: "d", database_url: "mysql://h" })).toThrow("postgres://");
    expect(() => devOptions({ config_dir: "d", database_url: "postgres://h", data_dir: "x" })).toThrow(
      "exclude",
    );
  });

  it("returns unknown flags to warn about instead of failing", () => {
    expect(
      devOptions({ config_dir: "d", logtostderr: "true", v: "2", shiny_new_flag: "1" }).unknownFlags,
    ).toEqual(["shiny_new_flag"]);
  });

  it("refuses a boolean flag that is neither true nor false", () => {
    expect(() => devOptions({ config_dir: "d", watch: "maybe" })).toThrow("--watch");
  });
});
