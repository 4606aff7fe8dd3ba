// A fixture project for SDK generation: a Data Connect service (enum, Int64, Date, list, composite key,
// fragment, optional and required variables) whose connector asks for the web SDK with React hooks and the
// admin SDK, plus the app directory they are generated into. `node_modules` links to the repository's, so
// generated code and consumer files resolve `firebase`, `react`, … as an installed app would.
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dataconnectYaml, type TempDir, tempDir } from "../../protocol/support/config-dir.ts";

/** The repository's `node_modules`. */
export const REPO_NODE_MODULES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../../node_modules",
);

export const FIXTURE_SCHEMA = `
enum Mood { HAPPY SAD }

type Author @table(key: "uid") {
  uid: String!
  name: String!
  bio: String
  mood: Mood
  score: Int64
}

type Post @table {
  author: Author!
  title: String!
  body: String
  publishedOn: Date
  createdAt: Timestamp! @default(expr: "request.time")
  tags: [String!]
  rating: Float
}

type Like @table(key: ["post", "author"]) {
  post: Post!
  author: Author!
}
`;

export const FIXTURE_QUERIES = `
query ListPosts($limit: Int = 10) @auth(level: PUBLIC, insecureReason: "a public timeline") {
  posts(limit: $limit, orderBy: { title: ASC }) {
    id
    title
    body
    tags
    rating
    author { uid name mood score }
  }
}

query GetPost($id: UUID!) @auth(level: PUBLIC, insecureReason: "posts are public") {
  post(id: $id) { ...PostFields }
}

fragment PostFields on Post {
  id
  title
  publishedOn
  author { name }
}

query Me @auth(level: USER) {
  author(key: { uid_expr: "auth.uid" }) { uid name }
}
`;

export const FIXTURE_MUTATIONS = `
mutation CreateAuthor($uid: String!, $name: String!, $mood: Mood, $score: Int64)
  @auth(level: PUBLIC, insecureReason: "fixture") {
  author_insert(data: { uid: $uid, name: $name, mood: $mood, score: $score })
}

mutation CreatePost($authorUid: String!, $title: String!, $tags: [String!])
  @auth(level: PUBLIC, insecureReason: "fixture") {
  post_insert(data: { authorUid: $authorUid, title: $title, tags: $tags })
}

mutation DeleteAllPosts @auth(level: NO_ACCESS) {
  post_deleteMany(all: true)
}
`;

export const FIXTURE_CONNECTOR_YAML = `connectorId: "blog"
generate:
  javascriptSdk:
    outputDir: ../../app/src/generated
    package: "@fixture/sdk"
    packageJsonDir: ../../app
    react: true
  adminNodeSdk:
    outputDir: ../../app/admin-generated
    package: "@fixture/admin"
`;

/** The fixture on disk: `dataconnect/` (config dir), `app/` (generated SDKs) and `node_modules`. */
export interface Fixture extends TempDir {
  readonly configDir: string;
  readonly appDir: string;
  readonly webSdkDir: string;
  readonly adminSdkDir: string;
}

/** Writes the fixture into a new temp dir (`overrides`: more or replaced files, relative to it). */
export async function writeFixture(overrides: Record<string, string> = {}): Promise<Fixture> {
  const dir = await tempDir({
    "dataconnect/dataconnect.yaml": dataconnectYaml("blogsvc"),
    "dataconnect/schema/schema.gql": FIXTURE_SCHEMA,
    "dataconnect/connector/connector.yaml": FIXTURE_CONNECTOR_YAML,
    "dataconnect/connector/queries.gql": FIXTURE_QUERIES,
    "dataconnect/connector/mutations.gql": FIXTURE_MUTATIONS,
    "app/package.json": `${JSON.stringify({ name: "fixture-app", private: true, type: "module" }, null, 2)}\n`,
    ...overrides,
  });
  await symlink(REPO_NODE_MODULES, path.join(dir.dir, "node_modules"));
  return {
    ...dir,
    configDir: path.join(dir.dir, "dataconnect"),
    appDir: path.join(dir.dir, "app"),
    webSdkDir: path.join(dir.dir, "app/src/generated"),
    adminSdkDir: path.join(dir.dir, "app/admin-generated"),
  };
}

/** Installs the generated SDKs into `app/node_modules` as `npm install` of their `file:` specs would. */
export async function linkSdksIntoApp(fixture: Fixture): Promise<void> {
  const scope = path.join(fixture.appDir, "node_modules/@fixture");
  await mkdir(scope, { recursive: true });
  await symlink(fixture.webSdkDir, path.join(scope, "sdk"));
  await symlink(fixture.adminSdkDir, path.join(scope, "admin"));
}
