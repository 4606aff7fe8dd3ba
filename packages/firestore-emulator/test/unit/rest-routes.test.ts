import { describe, expect, it } from "vitest";
import { firestoreProtos } from "../../src/proto/load.ts";
import { matchPathTemplate, parsePathTemplate, splitRequestPath } from "../../src/rest/path-template.ts";
import { routesOf } from "../../src/rest/routes.ts";

const match = (template: string, path: string) => {
  const { segments, withVerb } = splitRequestPath(path);
  const t = parsePathTemplate(template);
  const bindings = t.verb
    ? withVerb && matchPathTemplate(t, withVerb.segments, withVerb.verb)
    : matchPathTemplate(t, segments, undefined);
  return bindings ? Object.fromEntries(bindings) : undefined;
};

describe("google.api.http path templates", () => {
  it("bind a variable to the segments its pattern matches", () => {
    expect(
      match(
        "/v1/{name=projects/*/databases/*/documents/*/**}",
        "/v1/projects/p/databases/d/documents/c/1/s/2",
      ),
    ).toEqual({ name: "projects/p/databases/d/documents/c/1/s/2" });
  });

  it("let ** match no segment at all", () => {
    expect(
      match(
        "/v1/{parent=projects/*/databases/*/documents/**}/{collection_id}",
        "/v1/projects/p/databases/d/documents/c",
      ),
    ).toEqual({ parent: "projects/p/databases/d/documents", collection_id: "c" });
  });

  it("split the custom verb off the last segment only when the template has one", () => {
    const commit = "/v1/{database=projects/*/databases/*}/documents:commit";
    expect(match(commit, "/v1/projects/p/databases/d/documents:commit")).toEqual({
      database: "projects/p/databases/d",
    });
    expect(match(commit, "/v1/projects/p/databases/d/documents:rollback")).toBeUndefined();
    expect(
      match("/v1/{name=projects/*/databases/*/documents/*/**}", "/v1/projects/p/databases/d/documents/c/a:b"),
    ).toEqual({
      name: "projects/p/databases/d/documents/c/a:b",
    });
  });

  it("decode percent-escapes within segments", () => {
    expect(
      match(
        "/v1/{name=projects/*/databases/*/documents/*/**}",
        "/v1/projects/p/databases/d/documents/c/a%20b%F0%9F%90%A6",
      ),
    ).toEqual({
      name: "projects/p/databases/d/documents/c/a b🐦",
    });
  });
});

describe("the Firestore REST routes", () => {
  const routes = routesOf(firestoreProtos().lookupService("google.firestore.v1.Firestore"));

  it("come from every RPC's google.api.http annotation, additional bindings included", () => {
    const names = new Set(routes.map((r) => r.rpc));
    for (const rpc of [
      "GetDocument",
      "ListDocuments",
      "CreateDocument",
      "UpdateDocument",
      "DeleteDocument",
      "BatchGetDocuments",
      "BeginTransaction",
      "Commit",
      "Rollback",
      "RunQuery",
      "RunAggregationQuery",
      "PartitionQuery",
      "ListCollectionIds",
      "BatchWrite",
      "Listen",
      "Write",
    ]) {
      expect(names).toContain(rpc);
    }
    expect(routes.filter((r) => r.rpc === "RunQuery")).toHaveLength(2);
    expect(routes.filter((r) => r.rpc === "ListDocuments")).toHaveLength(2);
  });
});
