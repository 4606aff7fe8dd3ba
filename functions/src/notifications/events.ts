// Which notification groups a mutation event may change: a table of handlers keyed by operation name.
// Pure: a handler reads the event (who called, the variables, the response) and names what it touched;
// targets.ts turns that into group keys with what the database knows. An operation missing here
// notifies nobody. Adding one is a line: its name, and what it touches.
import { z } from "zod";
import type { OwnPostKind } from "./model.ts";

/** What an operation touched, as far as notifications care. */
export type Touch =
  /** The groups of `kind` about `post` (its author is the recipient). */
  | { type: "post"; kind: OwnPostKind; post: string }
  /** `post` as an action: the reply, repost or quote group it counts in, and the mentions in its text. */
  | { type: "source"; post: string }
  /** `post` gone: everything `source` covers, and every group about it. */
  | { type: "deleted"; post: string }
  /** The comment group of the post `comment` is on. */
  | { type: "comment"; comment: string }
  /** The account groups of `recipient`: new followers and pending follow requests. */
  | { type: "follows"; recipient: string }
  /** Every group of `recipient` in which `actor` has an action (blocks and mutes filter actors). */
  | { type: "between"; recipient: string; actor: string }
  /** Every group that counts one of `actor`'s posts: who may see them changed (private ↔ public). */
  | { type: "audience"; actor: string }
  /** Every group that shows `actor`, whose account is being deleted (its rows are gone already). */
  | { type: "departed"; actor: string };

/** A mutation event as the handlers read it (firebase-functions' DataConnect event, flattened). */
export interface SocialMutation {
  operation: string;
  /** The signed-in caller, or "" (admin calls, unauthenticated). */
  caller: string;
  variables: unknown;
  data: unknown;
  errors: unknown[];
}

/** A post id as Data Connect answers it: 32 hex digits (dashes are accepted and dropped). */
const postId = z
  .string()
  .transform((s) => s.replaceAll("-", "").toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{32}$/));
const uid = z.string().min(1).max(128);

const vars = <T extends z.ZodRawShape>(shape: T) => z.object(shape);
const inserted = z.object({ post_insert: z.object({ id: postId }) });
const published = z.object({ post: z.object({ id: postId }) });

type Handler = (m: SocialMutation) => Touch[];

/** Reads `value` with `schema`, or undefined: a malformed event notifies nobody rather than failing. */
const read = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

const newPost: Handler = (m) => {
  const post = read(inserted, m.data)?.post_insert.id;
  return post ? [{ type: "source", post }] : [];
};
const onPost =
  (kind: OwnPostKind): Handler =>
  (m) => {
    const post = read(vars({ post: postId }), m.variables)?.post;
    return post ? [{ type: "post", kind, post }] : [];
  };
const onAccount =
  (touches: (caller: string, other: string) => Touch[]): Handler =>
  (m) => {
    const other = read(vars({ uid }), m.variables)?.uid;
    return other && m.caller ? touches(m.caller, other) : [];
  };

const ownAccount: Handler = (m) => (m.caller ? [{ type: "follows", recipient: m.caller }] : []);
/** `follower` now follows `account`, and sees its posts: the follower's groups in which it acts. */
const approvedBy = (account: string, follower: string): Touch => ({
  type: "between",
  recipient: follower,
  actor: account,
});

/** The handlers, by operation name. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  LikePost: onPost("like"),
  UnlikePost: onPost("like"),
  CreatePost: newPost,
  Reply: newPost,
  Repost: newPost,
  Quote: newPost,
  PublishPost: (m) => {
    const post = read(published, m.data)?.post.id;
    return post ? [{ type: "source", post }] : [];
  },
  EditPost: (m) => {
    const post = read(vars({ id: postId }), m.variables)?.id;
    return post ? [{ type: "source", post }] : [];
  },
  DeletePost: (m) => {
    const post = read(vars({ id: postId }), m.variables)?.id;
    return post ? [{ type: "deleted", post }] : [];
  },
  AddComment: onPost("comment"),
  DeleteComment: (m) => {
    const comment = read(vars({ id: postId }), m.variables)?.id;
    return comment ? [{ type: "comment", comment }] : [];
  },
  // A follow of a private account is a follow request: both account groups of the followed account.
  // Following (or no longer following) also changes which of the other's posts the caller may see
  // (sql/040_visibility.sql): the caller's groups in which the other acts are recomputed.
  Follow: onAccount((caller, other) => [
    { type: "follows", recipient: other },
    { type: "between", recipient: caller, actor: other },
  ]),
  Unfollow: onAccount((caller, other) => [
    { type: "follows", recipient: other },
    { type: "between", recipient: caller, actor: other },
  ]),
  // The private account answers a request: it leaves their requests (approved: joins the followers,
  // who may now see the account's posts).
  ApproveFollowRequest: (m) => {
    const requester = read(vars({ requesterUid: uid }), m.variables)?.requesterUid;
    return requester && m.caller ? [...ownAccount(m), approvedBy(m.caller, requester)] : [];
  },
  DeclineFollowRequest: ownAccount,
  CancelFollowRequest: (m) => {
    const target = read(vars({ targetUid: uid }), m.variables)?.targetUid;
    return target ? [{ type: "follows", recipient: target }] : [];
  },
  // Switching between private and public changes who may see the caller's posts; switching to public
  // also approves every pending request (connector/users.gql answers whose).
  UpdateMyProfile: (m) => {
    const isPrivate = read(vars({ isPrivate: z.boolean() }), m.variables)?.isPrivate;
    if (!m.caller || isPrivate === undefined) return [];
    const audience: Touch = { type: "audience", actor: m.caller };
    if (isPrivate) return [audience];
    const approved = read(z.object({ approvedFollowers: z.array(z.object({ uid })) }), m.data);
    return [
      ...ownAccount(m),
      ...(approved?.approvedFollowers ?? []).map((f) => approvedBy(m.caller, f.uid)),
      audience,
    ];
  },
  // A block removes follows both ways and hides each from the other: both sides' groups change.
  Block: onAccount((caller, other) => [
    { type: "between", recipient: caller, actor: other },
    { type: "between", recipient: other, actor: caller },
  ]),
  Unblock: onAccount((caller, other) => [
    { type: "between", recipient: caller, actor: other },
    { type: "between", recipient: other, actor: caller },
  ]),
  // Account deletion (server only, in batches; each batch's event recomputes what shows the account, and
  // the deletion itself every group the account counted in: functions/src/account/departingNotifications.ts).
  PurgeAccount: (m) => {
    const departed = read(vars({ uid }), m.variables)?.uid;
    return departed ? [{ type: "departed", actor: departed }] : [];
  },
  Mute: onAccount((caller, other) => [{ type: "between", recipient: caller, actor: other }]),
  Unmute: onAccount((caller, other) => [{ type: "between", recipient: caller, actor: other }]),
};

/**
 * What a mutation event touched. Every operation in the table is atomic (one statement or one
 * transaction), so an event that reports errors changed nothing and touches nothing.
 */
export function touchesOf(m: SocialMutation): Touch[] {
  const handler = HANDLERS[m.operation];
  if (!handler || m.errors.length > 0) return [];
  return handler(m);
}
