// The generated typings compile for a consumer that uses every export (web SDK, React hooks, admin SDK)
// under strict `nodenext`, and reject wrong uses: the types are the schema's, not `any`.
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/runtime/log.ts";
import { generateSdks } from "../../src/sdkgen/run.ts";
import { type Fixture, linkSdksIntoApp, writeFixture } from "./support/fixture.ts";

const CONSUMER = `
import { initializeApp } from "firebase/app";
import { connectDataConnectEmulator, executeQuery, getDataConnect, type QueryPromise } from "firebase/data-connect";
import {
  connectorConfig,
  createAuthor,
  createAuthorRef,
  createPost,
  createPostRef,
  deleteAllPosts,
  deleteAllPostsRef,
  getPost,
  getPostRef,
  listPosts,
  listPostsRef,
  me,
  meRef,
  Mood,
  type Author_Key,
  type GetPostData,
  type GetPostVariables,
  type Int64String,
  type Like_Key,
  type ListPostsData,
  type Post_Key,
  type UUIDString,
} from "@fixture/sdk";
import {
  useCreateAuthor,
  useCreatePost,
  useDeleteAllPosts,
  useGetPost,
  useListPosts,
  useMe,
} from "@fixture/sdk/react";
import * as admin from "@fixture/admin";

initializeApp({ projectId: "demo-x" });
const dc = getDataConnect(connectorConfig);
connectDataConnectEmulator(dc, "127.0.0.1", 9399);

const created = await createAuthor({ uid: "a", name: "Ada", mood: Mood.HAPPY, score: "9" as Int64String });
const key: Author_Key = created.data.author_insert;
const uid: string = key.uid;
const post = await createPost(dc, { authorUid: uid, title: "t", tags: ["x"] });
const postId: UUIDString = post.data.post_insert.id;
const list = await listPosts();
const titles: string[] = list.data.posts.map((p) => p.title);
const mood: Mood | null | undefined = list.data.posts[0]?.author.mood;
const k: Post_Key = list.data.posts[0]!;
await listPosts(dc, { limit: 2 }, { fetchPolicy: "SERVER_ONLY" });
const one: QueryPromise<GetPostData, GetPostVariables> = getPost({ id: postId });
const title: string | undefined = (await one).data.post?.title;
await getPost(dc, { id: postId });
await me();
await me(dc);
await deleteAllPosts();
await executeQuery(listPostsRef({ limit: 1 }));
await executeQuery(getPostRef(dc, { id: postId }));
meRef();
createAuthorRef({ uid: "b", name: "B" });
createPostRef(dc, { authorUid: "b", title: "u" });
deleteAllPostsRef(dc);
const names: string = listPostsRef.operationName;
const likeKey: Like_Key = { postId, authorUid: uid };
const data: ListPostsData | undefined = undefined;

export function Hooks() {
  const q = useListPosts();
  const q2 = useListPosts(dc, { limit: 1 }, { staleTime: 1 });
  const g = useGetPost({ id: postId });
  const g2 = useGetPost(dc, { id: postId });
  const m = useMe();
  const c = useCreateAuthor({ onSuccess: (d) => d.author_insert.uid });
  const p = useCreatePost(dc);
  const d = useDeleteAllPosts();
  c.mutate({ uid: "c", name: "C" });
  p.mutate({ authorUid: "c", title: "v" });
  d.mutate();
  const firstTitle: string | undefined = q.data?.posts[0]?.title;
  const postTitle: string | undefined = g.data?.post?.title;
  const meName: string | undefined = m.data?.author?.name;
  return [q2, g2, firstTitle, postTitle, meName];
}

const viaAdmin = await admin.createAuthor({ uid: "z", name: "Zed", mood: admin.Mood.SAD });
const adminUid: string = viaAdmin.data.author_insert.uid;
const adminList = await admin.listPosts({ limit: 3 }, { impersonate: { unauthenticated: true } });
const adminTitles: string[] = adminList.data.posts.map((p) => p.title);
await admin.me({ impersonate: { authClaims: { sub: "a" } } });
await admin.deleteAllPosts();
await admin.getPost({ id: postId });
const adminConfig = admin.connectorConfig;

export { adminConfig, adminTitles, adminUid, data, k, likeKey, mood, names, title, titles };
`;

// Each line is one mistake the typings must reject.
const WRONG_CONSUMER = `
import { getPost, listPosts, Mood } from "@fixture/sdk";
import { useCreatePost, useGetPost } from "@fixture/sdk/react";
import { createAuthor } from "@fixture/admin";
export const n: number = (await listPosts()).data.posts[0]!.title;
getPost({ id: 42 });
useGetPost();
export const m: Mood = "ANGRY";
createAuthor({ uid: "x" });
useCreatePost().mutate({ title: "no author" });
`;

let fixture: Fixture;

beforeAll(async () => {
  fixture = await writeFixture({ "app/src/consumer.ts": CONSUMER, "app/src/wrong.ts": WRONG_CONSUMER });
  const outcome = await generateSdks(fixture.configDir, silentLogger);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  await linkSdksIntoApp(fixture);
});
afterAll(() => fixture.remove());

/** Type-checks `file` (and what it imports, our typings included) like a strict app would. */
function diagnostics(file: string): { line: number; message: string; file: string }[] {
  const program = ts.createProgram([path.join(fixture.appDir, "src", file)], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    skipLibCheck: false,
  });
  return (
    ts
      .getPreEmitDiagnostics(program)
      // Our files only (the consumer and the generated typings): the libraries are not ours to judge.
      .filter((d) => d.file?.fileName.startsWith(`${fixture.dir}/`))
      .map((d) => ({
        file: path.relative(fixture.dir, d.file!.fileName),
        line: d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      }))
  );
}

describe("generated typings", () => {
  it("type-check a consumer of every export, the React hooks and the admin SDK", () => {
    expect(diagnostics("consumer.ts")).toEqual([]);
  });

  it("reject wrong field types, variables, enum values and missing variables", () => {
    const found = diagnostics("wrong.ts");
    expect(found.every((d) => d.file === "app/src/wrong.ts")).toBe(true);
    expect([...new Set(found.map((d) => d.line))].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10]);
  });
});
