// From what an operation touched (events.ts) to the notification groups that may have changed: the
// lookups (the database's links between posts, the mention groups that exist) and the pure step that
// combines them.
import type { Touch } from "./events.ts";
import { ACCOUNT_KINDS, type GroupKey, type OwnPostKind } from "./model.ts";

/** A post's links (a row of NotificationTargets.posts). */
export interface PostTarget {
  post: string;
  author: string;
  replyTo: string | null;
  replyToAuthor: string | null;
  shareKind: "repost" | "quote" | null;
  shared: string | null;
  sharedAuthor: string | null;
  /** Accounts the post's text mentions now. */
  mentioned: string[];
}

/** A comment's post (a row of NotificationTargets.comments). */
export interface CommentTarget {
  comment: string;
  post: string;
  postAuthor: string;
}

/** What the touches' expansion needs to know, gathered by `lookUp`. */
export interface Lookups {
  posts: Map<string, PostTarget>;
  comments: Map<string, CommentTarget>;
  /** Recipients of the mention groups that exist for a post (its text may no longer say so). */
  mentionGroups: Map<string, string[]>;
  /** For "between" touches (key `recipient\nactor`): the groups in which actor has an action. */
  actorGroups: Map<string, { kind: string; post: string }[]>;
  /** For "audience" touches (key: the actor): every group that counts one of the actor's posts. */
  audienceGroups: Map<string, GroupKey[]>;
  /** For "departed" touches (key: the actor): the groups that show the actor. */
  shownGroups: Map<string, GroupKey[]>;
}

/** Where the lookups come from (Data Connect and Firestore; see reconcile.ts). */
export interface TargetSource {
  targets(posts: string[], comments: string[]): Promise<{ posts: PostTarget[]; comments: CommentTarget[] }>;
  mentionRecipients(post: string): Promise<string[]>;
  actorGroups(recipient: string, actor: string): Promise<{ kind: string; post: string }[]>;
  audienceGroups(actor: string): Promise<GroupKey[]>;
  shownGroups(actor: string): Promise<GroupKey[]>;
}

const OWN_POST_KINDS: readonly OwnPostKind[] = ["like", "reply", "repost", "quote", "comment"];
const pairKey = (recipient: string, actor: string) => `${recipient}\n${actor}`;

/** Gathers what `groupKeys` needs for `touches`. */
export async function lookUp(touches: Touch[], source: TargetSource): Promise<Lookups> {
  const posts = new Set<string>();
  const comments = new Set<string>();
  const mentionPosts = new Set<string>();
  const pairs = new Map<string, [string, string]>();
  const audiences = new Set<string>();
  const departed = new Set<string>();
  for (const t of touches) {
    if (t.type === "post") posts.add(t.post);
    if (t.type === "source" || t.type === "deleted") {
      posts.add(t.post);
      mentionPosts.add(t.post);
    }
    if (t.type === "comment") comments.add(t.comment);
    if (t.type === "between") pairs.set(pairKey(t.recipient, t.actor), [t.recipient, t.actor]);
    if (t.type === "audience") audiences.add(t.actor);
    if (t.type === "departed") departed.add(t.actor);
  }
  const rows =
    posts.size + comments.size > 0
      ? await source.targets([...posts], [...comments])
      : { posts: [], comments: [] };
  const mentionGroups = new Map<string, string[]>();
  for (const post of mentionPosts) mentionGroups.set(post, await source.mentionRecipients(post));
  const actorGroups = new Map<string, { kind: string; post: string }[]>();
  for (const [key, [recipient, actor]] of pairs)
    actorGroups.set(key, await source.actorGroups(recipient, actor));
  const audienceGroups = new Map<string, GroupKey[]>();
  for (const actor of audiences) audienceGroups.set(actor, await source.audienceGroups(actor));
  const shownGroups = new Map<string, GroupKey[]>();
  for (const actor of departed) shownGroups.set(actor, await source.shownGroups(actor));
  return {
    posts: new Map(rows.posts.map((p) => [p.post, p])),
    comments: new Map(rows.comments.map((c) => [c.comment, c])),
    mentionGroups,
    actorGroups,
    audienceGroups,
    shownGroups,
  };
}

/** The groups `touches` may have changed, each once. Pure. */
export function groupKeys(touches: Touch[], lookups: Lookups): GroupKey[] {
  const keys = new Map<string, GroupKey>();
  const add = (recipient: string | null | undefined, kind: GroupKey["kind"], post: string | null) => {
    if (recipient) keys.set(JSON.stringify([recipient, kind, post]), { recipient, kind, post });
  };
  const asSource = (post: string) => {
    const p = lookups.posts.get(post);
    if (p?.replyTo) add(p.replyToAuthor, "reply", p.replyTo);
    if (p?.shared && p.shareKind) add(p.sharedAuthor, p.shareKind, p.shared);
    for (const uid of p?.mentioned ?? []) add(uid, "mention", post);
    for (const uid of lookups.mentionGroups.get(post) ?? []) add(uid, "mention", post);
  };
  for (const t of touches) {
    switch (t.type) {
      case "post":
        add(lookups.posts.get(t.post)?.author, t.kind, t.post);
        break;
      case "source":
        asSource(t.post);
        break;
      case "deleted":
        asSource(t.post);
        for (const kind of OWN_POST_KINDS) add(lookups.posts.get(t.post)?.author, kind, t.post);
        break;
      case "comment": {
        const c = lookups.comments.get(t.comment);
        if (c) add(c.postAuthor, "comment", c.post);
        break;
      }
      case "follows":
        for (const kind of ACCOUNT_KINDS) add(t.recipient, kind, null);
        break;
      case "between":
        for (const kind of ACCOUNT_KINDS) add(t.recipient, kind, null);
        for (const g of lookups.actorGroups.get(pairKey(t.recipient, t.actor)) ?? [])
          add(t.recipient, g.kind as GroupKey["kind"], g.post);
        break;
      case "audience":
        for (const g of lookups.audienceGroups.get(t.actor) ?? []) add(g.recipient, g.kind, g.post);
        break;
      case "departed":
        for (const g of lookups.shownGroups.get(t.actor) ?? []) add(g.recipient, g.kind, g.post);
        break;
    }
  }
  return [...keys.values()];
}
