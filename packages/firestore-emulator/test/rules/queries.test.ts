import { describe, expect, it } from "vitest";
import { denialMessage } from "../../src/rules/index.ts";
import { and, doc, from, list, or, rules, where } from "./fixtures.ts";

const alice = { sub: "alice", user_id: "alice" };

describe("rules are not filters", () => {
  const owned = rules(`match /posts/{id} { allow list: if resource.data.owner == request.auth.uid; }`);

  it("allows a query whose equality filter proves the condition", () => {
    expect(
      list(owned, "", { ...from("posts"), where: where("owner", "EQUAL", "alice") }, { auth: alice }).allowed,
    ).toBe(true);
  });

  it("denies a query without the filter, even if every stored document would pass", () => {
    const store = [doc("posts/1", { owner: "alice" })];
    const d = list(owned, "", from("posts"), { auth: alice, store });
    expect(d.allowed).toBe(false);
    expect(denialMessage(d)).toMatch(/Property owner is undefined on object\. for 'list' @ L4/);
  });

  it("denies a query filtering on someone else's value", () => {
    expect(
      list(owned, "", { ...from("posts"), where: where("owner", "EQUAL", "bob") }, { auth: alice }).allowed,
    ).toBe(false);
  });

  it("requires every value of an in filter to be allowed", () => {
    expect(
      list(owned, "", { ...from("posts"), where: where("owner", "IN", ["alice"]) }, { auth: alice }).allowed,
    ).toBe(true);
    expect(
      list(owned, "", { ...from("posts"), where: where("owner", "IN", ["alice", "bob"]) }, { auth: alice })
        .allowed,
    ).toBe(false);
  });

  it("evaluates every value of an in filter, also values that print alike", () => {
    const r = rules(`match /posts/{id} { allow list: if resource.data.tag == {'k': 1}; }`);
    expect(list(r, "", { ...from("posts"), where: where("tag", "IN", [{ k: 1 }, { k: 2 }]) }).allowed).toBe(
      false,
    );
    expect(list(r, "", { ...from("posts"), where: where("tag", "IN", [{ k: 1 }]) }).allowed).toBe(true);
  });

  it("requires every branch of an or to be allowed", () => {
    const q = {
      ...from("posts"),
      where: or(where("owner", "EQUAL", "alice"), where("owner", "EQUAL", "bob")),
    };
    expect(list(owned, "", q, { auth: alice }).allowed).toBe(false);
    const both = {
      ...from("posts"),
      where: or(
        where("owner", "EQUAL", "alice"),
        and(where("owner", "EQUAL", "alice"), where("x", "EQUAL", 1)),
      ),
    };
    expect(list(owned, "", both, { auth: alice }).allowed).toBe(true);
  });

  it("proves range conditions from range filters, and only those", () => {
    const r = rules(`match /items/{id} { allow list: if resource.data.price > 10; }`);
    expect(list(r, "", { ...from("items"), where: where("price", "GREATER_THAN", 20) }).allowed).toBe(true);
    expect(
      list(r, "", { ...from("items"), where: where("price", "GREATER_THAN_OR_EQUAL", 10) }).allowed,
    ).toBe(false);
    expect(list(r, "", { ...from("items"), where: where("price", "LESS_THAN", 20) }).allowed).toBe(false);
  });

  it("does not let a float filter prove an int comparison", () => {
    const r = rules(`match /items/{id} { allow list: if resource.data.price > 1; }`);
    expect(
      list(r, "", { ...from("items"), where: where("price", "GREATER_THAN_OR_EQUAL", 1.5) }).allowed,
    ).toBe(false);
    expect(list(r, "", { ...from("items"), where: where("price", "GREATER_THAN", 2) }).allowed).toBe(true);
  });

  it("proves != from not-in and != null from any filter", () => {
    const r = rules(
      `match /items/{id} { allow list: if resource.data.state != 'secret' && resource.data.state != null; }`,
    );
    expect(list(r, "", { ...from("items"), where: where("state", "NOT_IN", ["secret", "x"]) }).allowed).toBe(
      true,
    );
    expect(list(r, "", { ...from("items"), where: where("state", "NOT_EQUAL", "other") }).allowed).toBe(
      false,
    );
  });

  it("proves membership from array-contains", () => {
    const r = rules(`match /groups/{id} { allow list: if request.auth.uid in resource.data.members; }`);
    expect(
      list(r, "", { ...from("groups"), where: where("members", "ARRAY_CONTAINS", "alice") }, { auth: alice })
        .allowed,
    ).toBe(true);
    expect(
      list(r, "", { ...from("groups"), where: where("members", "ARRAY_CONTAINS", "bob") }, { auth: alice })
        .allowed,
    ).toBe(false);
  });

  it("checks request.query.limit", () => {
    const r = rules(`match /items/{id} { allow list: if request.query.limit <= 10; }`);
    expect(list(r, "", { ...from("items"), limit: { value: 5 } }).allowed).toBe(true);
    expect(list(r, "", { ...from("items"), limit: { value: 50 } }).allowed).toBe(false);
    expect(list(r, "", from("items")).allowed).toBe(false);
  });

  it("leaves the document ID wildcard unbound", () => {
    const r = rules(`match /items/{id} { allow list: if id != 'secret'; }`);
    expect(list(r, "", from("items")).allowed).toBe(false);
  });

  it("binds the wildcards of the queried collection's path", () => {
    const r = rules(`match /users/{uid}/drafts/{id} { allow list: if request.auth.uid == uid; }`);
    expect(list(r, "users/alice", from("drafts"), { auth: alice }).allowed).toBe(true);
    expect(list(r, "users/bob", from("drafts"), { auth: alice }).allowed).toBe(false);
  });

  it("decides a __name__ equality on the named document", () => {
    const r = rules(`match /items/{id} { allow list: if resource.data.public == true; }`);
    const name = "projects/demo-rules/databases/(default)/documents/items/a";
    const q = {
      ...from("items"),
      where: {
        fieldFilter: { field: { fieldPath: "__name__" }, op: "EQUAL", value: { referenceValue: name } },
      },
    };
    expect(list(r, "", q, { store: [doc("items/a", { public: true })] }).allowed).toBe(true);
    expect(list(r, "", q, { store: [doc("items/a", { public: false })] }).allowed).toBe(false);
  });

  it("applies only recursive-wildcard rules to collection group queries", () => {
    const direct = rules(`match /users/{uid}/posts/{id} { allow list; }`);
    const group = rules(`match /{path=**}/posts/{id} { allow list; }`);
    expect(list(direct, "", from("posts", true)).allowed).toBe(false);
    expect(list(group, "", from("posts", true)).allowed).toBe(true);
    expect(list(group, "", from("comments", true)).allowed).toBe(false);
  });

  it("denies collection group queries under version 1 rules", () => {
    expect(list(rules(`match /{path=**} { allow list; }`, "1"), "", from("posts", true)).allowed).toBe(false);
  });

  it("proves nested field conditions", () => {
    const r = rules(`match /items/{id} { allow list: if resource.data.meta.visibility == 'public'; }`);
    expect(
      list(r, "", { ...from("items"), where: where("meta.visibility", "EQUAL", "public") }).allowed,
    ).toBe(true);
  });
});
