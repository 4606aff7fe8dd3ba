import type { DataConnect } from "firebase-admin/data-connect";
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { readAccountDocuments } from "./firestoreData.ts";

const timestamp = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const hexId = z.string().regex(/^[0-9a-f]{32}$/);
const firestoreDocument = z.object({ id: z.string().min(1), data: z.record(z.string(), z.unknown()) });
/** Another account, as the export names it (its username may be null until the Auth mirror ran). */
const account = z.object({ uid: z.string().min(1), username: z.string().nullable(), createdAt: timestamp });
const postRef = z.object({ postId: hexId, createdAt: timestamp });

/** Every section of the export that comes from the social graph, and the row each holds. */
export const GRAPH_SECTIONS = {
  posts: z.object({
    id: hexId,
    kind: z.enum(["POST", "REPLY", "REPOST", "QUOTE"]),
    content: z.string(),
    visibility: z.enum(["PUBLIC", "FOLLOWERS"]),
    createdAt: timestamp,
    editedAt: timestamp.nullable(),
    replyToId: hexId.nullable(),
    repostOfId: hexId.nullable(),
    quoteOfId: hexId.nullable(),
  }),
  comments: z.object({
    id: hexId,
    postId: hexId,
    parentId: hexId.nullable(),
    content: z.string(),
    createdAt: timestamp,
  }),
  following: account,
  followers: account,
  followRequestsSent: account,
  followRequestsReceived: account,
  likes: postRef,
  bookmarks: postRef,
  blocks: account,
  mutes: account,
} as const;
type Sections = typeof GRAPH_SECTIONS;
type SectionName = keyof Sections;

/** One account's data: what Rookery holds about them, as one JSON document. */
export const AccountArchive = z.object({
  format: z.literal("rookery-account-export/1"),
  exportedAt: timestamp,
  uid: z.string().min(1),
  /** The social-graph profile (null if the account has no row). */
  account: z
    .object({
      uid: z.string(),
      username: z.string().nullable(),
      displayName: z.string(),
      avatarUrl: z.string().nullable(),
      bio: z.string().nullable(),
      isPrivate: z.boolean(),
      followerCount: z.number().int().nonnegative(),
      followingCount: z.number().int().nonnegative(),
      postCount: z.number().int().nonnegative(),
      createdAt: timestamp,
    })
    .nullable(),
  /** The Firestore profile document (profiles/{uid}), null if there is none. */
  profile: z.record(z.string(), z.unknown()).nullable(),
  settings: z.array(firestoreDocument),
  drafts: z.array(firestoreDocument),
  ...(Object.fromEntries(Object.entries(GRAPH_SECTIONS).map(([name, row]) => [name, z.array(row)])) as {
    [K in SectionName]: z.ZodArray<Sections[K]>;
  }),
});
export type AccountArchive = z.infer<typeof AccountArchive>;

/** Rows read per AccountExportPage call (its maximum). */
const PAGE = 1000;

/** Every row of one section, page by page (keyset on the section's key). */
async function readSection<K extends SectionName>(
  dc: DataConnect,
  uid: string,
  section: K,
): Promise<z.infer<Sections[K]>[]> {
  const rows: z.infer<Sections[K]>[] = [];
  let after = "";
  for (;;) {
    const { data } = await dc.executeQuery<
      { rows: { key: string; row: unknown }[] },
      { uid: string; section: string; after: string; limit: number }
    >("AccountExportPage", { uid, section, after, limit: PAGE });
    for (const r of data.rows) rows.push(GRAPH_SECTIONS[section].parse(r.row) as z.infer<Sections[K]>);
    if (data.rows.length < PAGE) return rows;
    after = data.rows.at(-1)!.key;
  }
}

/**
 * The account's data export: its social-graph profile and rows (posts, comments, follows both ways,
 * follow requests both ways, likes, bookmarks, blocks, mutes) and its Firestore profile, settings and
 * drafts, validated against AccountArchive before anyone sees it.
 */
export async function exportAccount(dc: DataConnect, db: Firestore, uid: string): Promise<AccountArchive> {
  const [{ data }, documents, ...sections] = await Promise.all([
    dc.executeQuery<{ user: unknown }, { uid: string }>("AccountExportProfile", { uid }),
    readAccountDocuments(db, uid),
    ...(Object.keys(GRAPH_SECTIONS) as SectionName[]).map((name) => readSection(dc, uid, name)),
  ]);
  const graph = Object.fromEntries(Object.keys(GRAPH_SECTIONS).map((name, i) => [name, sections[i]]));
  return AccountArchive.parse({
    format: "rookery-account-export/1",
    exportedAt: new Date().toISOString(),
    uid,
    account: data.user ?? null,
    ...documents,
    ...graph,
  });
}
