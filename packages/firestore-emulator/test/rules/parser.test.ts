import { describe, expect, it } from "vitest";
import { compileRules, RulesCompileError } from "../../src/rules/index.ts";

function compileError(source: string): RulesCompileError {
  try {
    compileRules(source, "firestore.rules");
  } catch (error) {
    if (error instanceof RulesCompileError) return error;
    throw error;
  }
  throw new Error("expected a compile error");
}

describe("rules parser", () => {
  it("parses version 2 rules with nested matches, functions and every allow method", () => {
    const r = compileRules(`rules_version = '2';
service cloud.firestore {
  function top() { return true; }
  match /databases/{database}/documents {
    function f(a, b) { let c = a + b; return c > 1; }
    match /a/{x}/b/{rest=**} {
      allow read, write;
      allow get, list, create, update, delete: if f(1, 2);
    }
  }
}`);
    expect(r.file.version).toBe("2");
    const inner = r.file.matches[0]!.matches[0]!;
    expect(inner.pattern).toEqual([
      { kind: "literal", text: "a" },
      { kind: "single", name: "x" },
      { kind: "literal", text: "b" },
      { kind: "recursive", name: "rest" },
    ]);
    expect(inner.allows[0]!.methods).toEqual(["get", "list", "create", "update", "delete"]);
    expect(r.file.matches[0]!.functions[0]!.lets).toHaveLength(1);
  });

  it("defaults to rules_version 1 when none is given", () => {
    expect(compileRules("service cloud.firestore { match /databases/{d}/documents { } }").file.version).toBe(
      "1",
    );
  });

  it("names file:line:col of a syntax error", () => {
    const e = compileError(`rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    allow read: if request.auth != ;
  }
}`);
    expect(e.message).toMatch(/^firestore\.rules:4:36 - /);
    expect(e.issues[0]).toMatchObject({ sourcePosition: { line: 4, column: 36 }, severity: "ERROR" });
  });

  it("rejects an unknown method", () => {
    expect(compileError("service cloud.firestore { match /x/{y} { allow peek; } }").message).toMatch(
      /:1:\d+ - Unknown method 'peek'/,
    );
  });

  it("rejects a missing semicolon after an allow", () => {
    expect(compileError("service cloud.firestore { match /x/{y} { allow read: if true } }").message).toMatch(
      /Expected ';'/,
    );
  });

  it("rejects a second recursive wildcard in one path", () => {
    expect(
      compileError("rules_version='2'; service cloud.firestore { match /{a=**}/{b=**} { } }").message,
    ).toMatch(/one recursive wildcard/);
  });

  it("rejects a non-final recursive wildcard in version 1", () => {
    expect(compileError("service cloud.firestore { match /{a=**}/x/{b} { } }").message).toMatch(
      /last segment/,
    );
  });

  it("rejects more than ten let bindings", () => {
    const lets = Array.from({ length: 11 }, (_, i) => `let v${i} = ${i};`).join(" ");
    expect(
      compileError(`rules_version='2'; service cloud.firestore { function f() { ${lets} return true; } }`)
        .message,
    ).toMatch(/at most 10 let/);
  });

  it("rejects let in version 1", () => {
    expect(compileError("service cloud.firestore { function f() { let a = 1; return a; } }").message).toMatch(
      /rules_version = '2'/,
    );
  });

  it("rejects another service", () => {
    expect(compileError("service firebase.storage { }").message).toMatch(/cloud\.firestore/);
  });

  it("rejects an unterminated string with its position", () => {
    expect(
      compileError("service cloud.firestore {\n  match /x/{y} { allow read: if 'abc; }\n}").message,
    ).toMatch(/:2:33 - Unterminated string/);
  });

  it("turns nesting deep enough to exhaust the stack into a compile error", () => {
    const deep = `service cloud.firestore { match /x/{y} { allow read: if ${"(".repeat(60_000)}true${")".repeat(60_000)}; } }`;
    expect(compileError(deep).message).toMatch(/nest too deeply/);
  });

  it("rejects a ruleset over 256 KiB", () => {
    expect(compileError(`service cloud.firestore { } // ${"x".repeat(300_000)}`).message).toMatch(
      /at most 256 KiB/,
    );
  });

  it("parses path literals with interpolation and comments", () => {
    const r = compileRules(`rules_version='2';
service cloud.firestore {
  match /databases/{database}/documents {
    // a comment
    match /x/{id} { /* block */ allow read: if exists(/databases/$(database)/documents/users/$(request.auth.uid)); }
  }
}`);
    expect(r.file.matches[0]!.matches[0]!.allows[0]!.condition!.k).toBe("call");
  });
});
