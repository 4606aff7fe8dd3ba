// One post in a feed: author, time, Markdown text, what it replies to, quotes or reposts, and the
// viewer's actions (reply, repost, quote, like, bookmark; delete for the author).

import { deletePost } from "@rookery/dataconnect";
import { useQueryClient } from "@tanstack/react-query";
import { type MouseEvent, useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import type { FeedItem } from "../feed/page.ts";
import { engagementOf } from "../feed/useFeed.ts";
import { dataConnect } from "../firebase/client.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import { handleOf, profilePath } from "../profile/handles.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";
import { ActionBar } from "./ActionBar.tsx";
import { EmbeddedPost, useOriginalPost } from "./EmbeddedPost.tsx";
import { type Engagement, engagementKey } from "./engagement.ts";

/** A feed item as an article; `position`/`setSize` place it in its feed (-1: size unknown). */
export function PostCard({ item, position, setSize }: { item: FeedItem; position: number; setSize: number }) {
  if (item.repostOfId && !item.content) {
    return <RepostCard item={item} position={position} setSize={setSize} />;
  }
  const author = { uid: item.authorUid, username: item.authorUsername };
  return (
    <PostArticle
      id={item.id}
      author={{ ...author, displayName: item.authorDisplayName, avatarUrl: item.authorAvatarUrl }}
      createdAt={item.createdAt}
      edited={!!item.editedAt}
      content={item.content}
      replyToId={item.replyToId}
      quoteOfId={item.quoteOfId}
      engagement={engagementOf(item)}
      position={position}
      setSize={setSize}
    />
  );
}

/** A repost shows the original post, with actions on the original. */
function RepostCard({ item, position, setSize }: { item: FeedItem; position: number; setSize: number }) {
  const original = useOriginalPost(item.repostOfId!);
  const me = useUser();
  const queryClient = useQueryClient();
  const loaded = !!original.data;
  // The viewer's own repost: the Repost toggle shows pressed and undoes this one.
  useEffect(() => {
    if (!loaded || item.authorUid !== me.uid) return;
    queryClient.setQueryData<Engagement>(engagementKey(item.repostOfId!), (e) =>
      e && !e.myRepostId ? { ...e, myRepostId: item.id } : e,
    );
  }, [loaded, item, me.uid, queryClient]);
  const reposter = { uid: item.authorUid, username: item.authorUsername };
  const banner = (
    <p className="repost-banner">
      <span aria-hidden="true">↻ </span>
      <Link to={profilePath(reposter)}>{item.authorDisplayName}</Link> reposted
    </p>
  );
  if (!original.data) {
    return (
      // biome-ignore lint/a11y/noNoninteractiveTabindex: feed articles take focus (ARIA feed pattern)
      <article className="post" aria-posinset={position} aria-setsize={setSize} tabIndex={0}>
        {banner}
        {original.isError ? (
          <p className="muted">The original post is no longer available.</p>
        ) : (
          <p className="muted">Loading the original post…</p>
        )}
      </article>
    );
  }
  const post = original.data.post;
  return (
    <PostArticle
      id={post.id}
      author={post.author}
      createdAt={post.createdAt}
      edited={!!post.editedAt}
      content={post.content}
      replyToId={post.replyToId ?? null}
      quoteOfId={post.quoteOfId ?? null}
      engagement={original.data.engagement}
      banner={banner}
      position={position}
      setSize={setSize}
    />
  );
}

interface Author {
  uid: string;
  username?: string | null;
  displayName: string;
  avatarUrl?: string | null;
}

/** The article every kind of post renders as. */
export function PostArticle(props: {
  id: string;
  author: Author;
  createdAt: string;
  edited: boolean;
  content: string;
  replyToId: string | null;
  quoteOfId: string | null;
  engagement: ReturnType<typeof engagementOf>;
  banner?: React.ReactNode;
  position?: number;
  setSize?: number;
  /** The post a thread page is about: no link to itself, bigger text. */
  focused?: boolean;
}) {
  const navigate = useNavigate();
  const me = useUser();
  const threadPath = `/p/${props.id}`;
  const nameId = `post-${props.id}-author`;
  const textId = `post-${props.id}-text`;

  // A click on the card's background opens the thread, as people expect; links and buttons keep theirs.
  function open(event: MouseEvent<HTMLElement>) {
    if (props.focused) return;
    const target = event.target as HTMLElement;
    if (target.closest("a, button, input, textarea, dialog, summary")) return;
    if (window.getSelection()?.toString()) return;
    navigate(threadPath);
  }

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the thread link in the header is the keyboard path
    <article
      className={`post${props.focused ? " focused" : ""}`}
      aria-labelledby={nameId}
      aria-describedby={textId}
      aria-posinset={props.position}
      aria-setsize={props.setSize}
      tabIndex={props.position ? 0 : undefined}
      onClick={open}
    >
      {props.banner}
      <div className="post-grid">
        <Link to={profilePath(props.author)} className="avatar-link" tabIndex={-1} aria-hidden="true">
          <Avatar name={props.author.displayName} uid={props.author.uid} url={props.author.avatarUrl} />
        </Link>
        <div className="post-main">
          <header className="post-header">
            <Link to={profilePath(props.author)} className="author" id={nameId}>
              {props.author.displayName}
            </Link>
            {handleOf(props.author) ? <span className="handle">{handleOf(props.author)}</span> : null}
            <span className="dot" aria-hidden="true">
              ·
            </span>
            {props.focused ? (
              <RelativeTime iso={props.createdAt} />
            ) : (
              <Link to={threadPath} className="time-link">
                <RelativeTime iso={props.createdAt} />
              </Link>
            )}
            {props.edited ? <span className="muted"> · edited</span> : null}
            {props.author.uid === me.uid ? <DeleteButton postId={props.id} /> : null}
          </header>
          {props.replyToId ? (
            <p className="reply-context">
              <Link to={`/p/${props.replyToId}`}>Replying to a post</Link>
            </p>
          ) : null}
          <div id={textId} className={props.focused ? "post-text large" : "post-text"}>
            <Markdown text={props.content} />
          </div>
          {props.quoteOfId ? <EmbeddedPost id={props.quoteOfId} /> : null}
          <ActionBar
            postId={props.id}
            seed={props.engagement}
            author={props.author}
            content={props.content}
          />
        </div>
      </div>
    </article>
  );
}

function DeleteButton({ postId }: { postId: string }) {
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="link-button post-delete" onClick={() => setConfirming(true)}>
        Delete
      </button>
    );
  }
  return (
    <span className="post-delete">
      <button
        type="button"
        className="link-button danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await deletePost(dataConnect, { id: postId });
            toasts.info("Post deleted.");
            await queryClient.invalidateQueries({ queryKey: ["feed"] });
            void queryClient.invalidateQueries({ queryKey: ["GetMe"] });
          } catch (error) {
            toasts.error(`Couldn't delete the post. ${describeError(error)}`);
            setBusy(false);
          }
        }}
      >
        Delete this post
      </button>
      <button type="button" className="link-button" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}
