// One post (a post card, as every post-returning operation answers it): author, time, Markdown text,
// what it replies to, quotes or reposts, and the viewer's actions (reply, repost, quote, like,
// bookmark; delete for the author).

import { deletePost } from "@rookery/dataconnect";
import { useQueryClient } from "@tanstack/react-query";
import { type MouseEvent, useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import type { EmbeddedPost as Embed, FeedItem } from "../feed/page.ts";
import { dataConnect } from "../firebase/client.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import { handleOf, profilePath } from "../profile/handles.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";
import { ActionBar } from "./ActionBar.tsx";
import { EmbeddedPost, usePostCard } from "./EmbeddedPost.tsx";
import { type Engagement, engagementKey, engagementOf } from "./engagement.ts";

/** A feed item as an article; `position`/`setSize` place it in its feed (-1: size unknown). */
export function PostCard({ item, position, setSize }: { item: FeedItem; position: number; setSize: number }) {
  if (item.kind === "REPOST") return <RepostCard item={item} position={position} setSize={setSize} />;
  return <PostArticle item={item} position={position} setSize={setSize} />;
}

/**
 * A repost shows the original post, with actions on the original. The row's embed shows it at once;
 * the toggles wait for the original's own card, which has its counters and the viewer's like and
 * bookmark (a click before that would act on a guess).
 */
function RepostCard({ item, position, setSize }: { item: FeedItem; position: number; setSize: number }) {
  const original = usePostCard(item.repostOfId ?? "", !!item.embed);
  const me = useUser();
  const queryClient = useQueryClient();
  const loaded = !!original.data;
  // The viewer's own repost: the Repost toggle shows pressed and undoes this one.
  useEffect(() => {
    if (!loaded || item.authorUid !== me.uid || !item.repostOfId) return;
    queryClient.setQueryData<Engagement>(engagementKey(item.repostOfId), (e) =>
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
  const card = original.data ?? (item.embed && original.data !== null ? cardOf(item.embed) : null);
  if (!card) {
    return (
      // biome-ignore lint/a11y/noNoninteractiveTabindex: feed articles take focus (ARIA feed pattern)
      <article className="post" aria-posinset={position} aria-setsize={setSize} tabIndex={0}>
        {banner}
        <p className="muted pad">The original post isn't available.</p>
      </article>
    );
  }
  return (
    <PostArticle item={card} banner={banner} position={position} setSize={setSize} actionsReady={loaded} />
  );
}

/** A post card built from an embed, shown until the original's own card arrives (no counters yet). */
function cardOf(embed: Embed): FeedItem {
  return {
    ...embed,
    kind: "POST",
    replyToId: null,
    repostOfId: null,
    quoteOfId: null,
    likeCount: 0,
    commentCount: 0,
    shareCount: 0,
    replyCount: 0,
    likedByMe: false,
    bookmarkedByMe: false,
    embed: null,
  };
}

/** The article every kind of post renders as. */
export function PostArticle(props: {
  item: FeedItem;
  banner?: React.ReactNode;
  position?: number;
  setSize?: number;
  /** The post a thread page is about: no link to itself, bigger text. */
  focused?: boolean;
  /** False while the toggles would act on a guess (they show disabled). */
  actionsReady?: boolean;
}) {
  const { item } = props;
  const navigate = useNavigate();
  const me = useUser();
  const threadPath = `/p/${item.id}`;
  const nameId = `post-${item.id}-author`;
  const textId = `post-${item.id}-text`;
  const author = {
    uid: item.authorUid,
    username: item.authorUsername,
    displayName: item.authorDisplayName,
    avatarUrl: item.authorAvatarUrl,
  };

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
        <Link to={profilePath(author)} className="avatar-link" tabIndex={-1} aria-hidden="true">
          <Avatar name={author.displayName} uid={author.uid} url={author.avatarUrl} />
        </Link>
        <div className="post-main">
          <header className="post-header">
            <Link to={profilePath(author)} className="author" id={nameId}>
              {author.displayName}
            </Link>
            {handleOf(author) ? <span className="handle">{handleOf(author)}</span> : null}
            <span className="dot" aria-hidden="true">
              ·
            </span>
            {props.focused ? (
              <RelativeTime iso={item.createdAt} />
            ) : (
              <Link to={threadPath} className="time-link">
                <RelativeTime iso={item.createdAt} />
              </Link>
            )}
            {item.editedAt ? <span className="muted"> · edited</span> : null}
            {item.visibility === "FOLLOWERS" ? <span className="muted"> · followers only</span> : null}
            {author.uid === me.uid ? <DeleteButton postId={item.id} /> : null}
          </header>
          {item.kind === "REPLY" ? (
            <p className="reply-context">
              {item.replyToId ? (
                <Link to={`/p/${item.replyToId}`}>Replying to a post</Link>
              ) : (
                "Replying to a post that isn't available"
              )}
            </p>
          ) : null}
          <div id={textId} className={props.focused ? "post-text large" : "post-text"}>
            <Markdown text={item.content} />
          </div>
          {item.kind === "QUOTE" ? <EmbeddedPost embed={item.embed} /> : null}
          <ActionBar
            postId={item.id}
            seed={engagementOf(item)}
            author={author}
            content={item.content}
            ready={props.actionsReady ?? true}
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
