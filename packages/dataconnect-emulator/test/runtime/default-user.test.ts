import { afterEach, describe, expect, it } from "vitest";
import { withDefaultUser } from "../../src/runtime/emulator.ts";

const saved = process.env.PGUSER;
afterEach(() => {
  if (saved === undefined) delete process.env.PGUSER;
  else process.env.PGUSER = saved;
});

describe("withDefaultUser", () => {
  it("adds user postgres to firebase-tools' user-less connection string", () => {
    delete process.env.PGUSER;
    expect(withDefaultUser("postgres://127.0.0.1:5432/rookery?sslmode=disable")).toBe(
      "postgres://postgres@127.0.0.1:5432/rookery?sslmode=disable",
    );
  });

  it("prefers PGUSER when it is set", () => {
    process.env.PGUSER = "dev";
    expect(withDefaultUser("postgres://h:5432/db")).toBe("postgres://dev@h:5432/db");
  });

  it("leaves a URL that names its user alone", () => {
    expect(withDefaultUser("postgres://me:secret@h:5432/db")).toBe("postgres://me:secret@h:5432/db");
  });
});
