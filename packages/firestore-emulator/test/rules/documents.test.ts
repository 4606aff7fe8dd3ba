import { describe, expect, it } from "vitest";
import { denialMessage } from "../../src/rules/index.ts";
import { doc, get, rules, write } from "./fixtures.ts";

const alice = {
  sub: "alice",
  user_id: "alice",
  email: "alice@example.com",
  email_verified: true,
  admin: true,
};

describe("matching", () => {
  it("allows when any applicable allow is true", () => {
    const r = rules(`match /a/{id} { allow get: if false; allow get: if true; }`);
    expect(get(r, "a/1").allowed).toBe(true);
  });

  it("denies with no matching statement, in the emulator's words", () => {
    const d = get(rules(`match /a/{id} { allow get; }`), "b/1");
    expect(d.allowed).toBe(false);
    expect(denialMessage(d)).toBe("\nNo matching allow statements");
  });

  it("does not apply a collection's rules to its subcollections", () => {
    expect(get(rules(`match /a/{id} { allow read; }`), "a/1/b/2").allowed).toBe(false);
  });

  it("applies nested matches to the concatenated path and binds every wildcard", () => {
    const r = rules(
      `match /users/{uid} { match /posts/{post} { allow get: if uid == 'u1' && post == 'p1' && database == '(default)'; } }`,
    );
    expect(get(r, "users/u1/posts/p1").allowed).toBe(true);
    expect(get(r, "users/u2/posts/p1").allowed).toBe(false);
  });

  it("matches zero or more segments with a version 2 recursive wildcard, bound as a path", () => {
    const r = rules(`match /a/{x}/{rest=**} { allow get: if rest == path('') || rest[0] == 'b'; }`);
    expect(get(r, "a/1").allowed).toBe(true);
    expect(get(r, "a/1/b/2").allowed).toBe(true);
    expect(get(r, "a/1/c/2").allowed).toBe(false);
  });

  it("matches one or more segments with a version 1 recursive wildcard", () => {
    const r = rules(`match /a/{x}/{rest=**} { allow get; }`, "1");
    expect(get(r, "a/1").allowed).toBe(false);
    expect(get(r, "a/1/b/2").allowed).toBe(true);
  });

  it("allows a recursive wildcard in the middle in version 2", () => {
    const r = rules(`match /{path=**}/posts/{post} { allow get; }`);
    expect(get(r, "users/u/posts/p").allowed).toBe(true);
    expect(get(r, "posts/p").allowed).toBe(true);
    expect(get(r, "users/u/other/p").allowed).toBe(false);
  });

  it("expands read to get and list and write to create, update and delete", () => {
    const r = rules(`match /a/{id} { allow write; }`);
    expect(write(r, "a/1", { x: 1 }).allowed).toBe(true);
    expect(write(r, "a/1", null, { store: [doc("a/1", {})] }).allowed).toBe(true);
    expect(get(r, "a/1").allowed).toBe(false);
  });
});

describe("functions", () => {
  it("call functions declared in enclosing scopes, which see their block's wildcards", () => {
    const r = rules(`
      function isOwner(uid) { return request.auth.uid == uid; }
      match /users/{uid} {
        function mine() { return isOwner(uid); }
        allow get: if mine();
      }`);
    expect(get(r, "users/alice", { auth: alice }).allowed).toBe(true);
    expect(get(r, "users/bob", { auth: alice }).allowed).toBe(false);
  });

  it("evaluate let bindings in order", () => {
    const r = rules(
      `function f(x) { let a = x + 1; let b = a * 2; return b == 4; } match /a/{id} { allow get: if f(1); }`,
    );
    expect(get(r, "a/1").allowed).toBe(true);
  });

  it("deny on recursion", () => {
    const r = rules(
      `function f(n) { return n <= 0 ? true : f(n - 1); } match /a/{id} { allow get: if f(3); }`,
    );
    expect(get(r, "a/1").allowed).toBe(false);
  });

  it("deny beyond a call depth of 20", () => {
    const fns = Array.from(
      { length: 22 },
      (_, i) => `function f${i}() { return ${i === 21 ? "true" : `f${i + 1}()`}; }`,
    ).join("\n");
    const r = rules(`${fns}\nmatch /a/{id} { allow get: if f0(); }`);
    expect(get(r, "a/1").allowed).toBe(false);
    const shallow = rules(`${fns}\nmatch /a/{id} { allow get: if f5(); }`);
    expect(get(shallow, "a/1").allowed).toBe(true);
  });

  it("deny when called with the wrong number of arguments", () => {
    expect(
      get(rules(`function f(a) { return true; } match /a/{id} { allow get: if f(); }`), "a/1").allowed,
    ).toBe(false);
  });
});

describe("request and resource", () => {
  it("give request.auth null when signed out and uid plus token claims when signed in", () => {
    const r = rules(
      `match /a/{id} { allow get: if request.auth.uid == 'alice' && request.auth.token.email_verified == true && request.auth.token.admin == true; }`,
    );
    expect(get(r, "a/1", { auth: alice }).allowed).toBe(true);
    const signedOut = get(r, "a/1");
    expect(signedOut.allowed).toBe(false);
    expect(denialMessage(signedOut)).toBe("\nNull value error. for 'get' @ L4");
  });

  it("give resource.data, id and __name__ of the stored document", () => {
    const r = rules(
      `match /a/{id} { allow get: if resource.data.owner == 'alice' && resource.id == id && resource.__name__ == /databases/$(database)/documents/a/$(id); }`,
    );
    expect(get(r, "a/1", { store: [doc("a/1", { owner: "alice" })] }).allowed).toBe(true);
    expect(get(r, "a/1", { store: [doc("a/1", { owner: "bob" })] }).allowed).toBe(false);
  });

  it("give resource null for a missing document", () => {
    const r = rules(`match /a/{id} { allow get: if resource == null; }`);
    expect(get(r, "a/1").allowed).toBe(true);
  });

  it("give request.method, request.path and request.time", () => {
    const r = rules(
      `match /a/{id} { allow get: if request.method == 'get' && request.path == /databases/(default)/documents/a/1 && request.time is timestamp; }`,
    );
    expect(get(r, "a/1").allowed).toBe(true);
  });

  it("give request.resource as the document after a write and resource as the one before", () => {
    const r = rules(`match /a/{id} {
      allow create: if request.resource.data.n == 1 && resource == null;
      allow update: if request.resource.data.n == resource.data.n + 1;
      allow delete: if request.resource == null && resource.data.n == 2;
    }`);
    expect(write(r, "a/1", { n: 1 }).allowed).toBe(true);
    expect(write(r, "a/1", { n: 2 }).allowed).toBe(false);
    expect(write(r, "a/1", { n: 2 }, { store: [doc("a/1", { n: 1 })] }).allowed).toBe(true);
    expect(write(r, "a/1", { n: 3 }, { store: [doc("a/1", { n: 1 })] }).allowed).toBe(false);
    expect(write(r, "a/1", null, { store: [doc("a/1", { n: 2 })] }).allowed).toBe(true);
  });

  it("deny a condition whose error is not absorbed, reporting the statement's line", () => {
    const d = get(
      rules(`match /a/{id} {\n allow get: if resource.data.missing == 1;\n allow get: if false;\n }`),
      "a/1",
      { store: [doc("a/1", {})] },
    );
    expect(d.allowed).toBe(false);
    expect(denialMessage(d)).toBe(
      "\nProperty missing is undefined on object. for 'get' @ L5, false for 'get' @ L6",
    );
  });
});

describe("document access", () => {
  const members = rules(`match /rooms/{room} {
    allow get: if exists(/databases/$(database)/documents/rooms/$(room)/members/$(request.auth.uid))
      && get(/databases/$(database)/documents/rooms/$(room)/members/$(request.auth.uid)).data.role == 'reader';
  }`);

  it("reads other documents with get and exists", () => {
    const store = [doc("rooms/r/members/alice", { role: "reader" })];
    expect(get(members, "rooms/r", { auth: alice, store }).allowed).toBe(true);
    expect(get(members, "rooms/r", { auth: { sub: "bob" }, store }).allowed).toBe(false);
  });

  it("sees the request's writes with getAfter and existsAfter, and the old state with get", () => {
    const r = rules(
      `match /a/{id} { allow create: if existsAfter(/databases/$(database)/documents/b/$(id)) && !exists(/databases/$(database)/documents/b/$(id)) && getAfter(/databases/$(database)/documents/b/$(id)).data.ok == true; }`,
    );
    expect(write(r, "a/1", { x: 1 }, { after: [doc("b/1", { ok: true })] }).allowed).toBe(true);
    expect(write(r, "a/1", { x: 1 }).allowed).toBe(false);
  });

  it("allows 10 distinct document accesses for a single-document request and 20 for batches", () => {
    const calls = (n: number) =>
      Array.from({ length: n }, (_, i) => `!exists(/databases/$(database)/documents/x/d${i})`).join(" && ");
    expect(get(rules(`match /a/{id} { allow get: if ${calls(10)}; }`), "a/1").allowed).toBe(true);
    expect(get(rules(`match /a/{id} { allow get: if ${calls(11)}; }`), "a/1").allowed).toBe(false);
    expect(
      get(rules(`match /a/{id} { allow get: if ${calls(11)}; }`), "a/1", { multiple: true }).allowed,
    ).toBe(true);
    expect(
      get(rules(`match /a/{id} { allow get: if ${calls(21)}; }`), "a/1", { multiple: true }).allowed,
    ).toBe(false);
  });

  it("counts repeated accesses of one document once", () => {
    const same = Array.from({ length: 15 }, () => "!exists(/databases/$(database)/documents/x/same)").join(
      " && ",
    );
    expect(get(rules(`match /a/{id} { allow get: if ${same}; }`), "a/1").allowed).toBe(true);
  });

  it("denies get() of a collection path", () => {
    expect(
      get(rules(`match /a/{id} { allow get: if get(/databases/$(database)/documents/x) == null; }`), "a/1")
        .allowed,
    ).toBe(false);
  });
});

describe("validation rules", () => {
  const r = rules(`match /p/{id} {
    allow create: if request.resource.data.keys().hasOnly(['name', 'age'])
      && request.resource.data.name is string && request.resource.data.name.size() <= 5
      && (!('age' in request.resource.data) || request.resource.data.age is int);
  }`);

  it("accepts valid data", () => {
    expect(write(r, "p/1", { name: "ann", age: 3 }).allowed).toBe(true);
    expect(write(r, "p/1", { name: "ann" }).allowed).toBe(true);
  });

  it("rejects unknown keys, wrong types and over-long strings", () => {
    expect(write(r, "p/1", { name: "ann", extra: 1 }).allowed).toBe(false);
    expect(write(r, "p/1", { name: 3 }).allowed).toBe(false);
    expect(write(r, "p/1", { name: "annabel" }).allowed).toBe(false);
    expect(write(r, "p/1", { name: "ann", age: 1.5 }).allowed).toBe(false);
  });
});
