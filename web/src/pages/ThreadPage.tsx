// A post's thread at /p/:id: the post it answers (if any), the post, its replies (posts that reply to
// it, oldest first) and its comments, each with its answers, one level at a time. All of it is live:
// the post (counts, edits, deletion), the last page of replies and of each level of comments follow
// the server's pushes (src/data/live.ts).

import {
  addComment,
  deleteComment,
  postCommentsRef,
  postRepliesRef,
  postThreadRef,
  reply,
} from "@rookery/dataconnect";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { postCard } from "../../../dataconnect/client/feed.ts";
import { useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { useLiveLastPage, useLiveQuery } from "../data/live.ts";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import { COMMENT_LIMIT, Composer } from "../posts/Composer.tsx";
import { usePostCard } from "../posts/EmbeddedPost.tsx";
import { type Engagement, engagementKey, engagementOf, primeEngagement } from "../posts/engagement.ts";
import { PostArticle } from "../posts/PostCard.tsx";
import { handleOf, profilePath } from "../profile/handles.ts";
import {
  type AfterCursor,
  type CommentRow,
  commentsPage,
  FIRST_AFTER,
  repliesPage,
} from "../thread/pages.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { MoreButton } from "../ui/MoreButton.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";

const PAGE = 20;
/** How deep answers indent; deeper answers line up with the last level. */
const MAX_DEPTH = 3;

/** The thread screen at /p/:id. */
export function ThreadPage() {
  const { id = "" } = useParams();
  const post = usePostCard(id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const card = post.data;
  useLiveQuery(
    `thread:${id}`,
    () => postThreadRef(dataConnect, { id }),
    (data) => {
      const live = postCard(data.post);
      queryClient.setQueryData(["post", id], live);
      if (live) primeEngagement(queryClient, live.id, engagementOf(live));
    },
    !!id,
  );
  // A repost has no thread of its own: show the original's.
  useEffect(() => {
    if (card?.kind === "REPOST" && card.repostOfId) navigate(`/p/${card.repostOfId}`, { replace: true });
  }, [card, navigate]);

  if (post.isPending) return <Loading label="Loading the post…" />;
  if (post.isError) return <ErrorState error={post.error} retry={() => post.refetch()} what="this post" />;
  if (!card || card.kind === "REPOST") {
    return (
      <>
        <h1 className="page-title">Post</h1>
        <Empty title="This post isn't available">
          It may have been deleted, or its author shares it with their followers only.{" "}
          <Link to="/">Back to your home feed</Link>
        </Empty>
      </>
    );
  }
  return (
    <>
      <h1 className="page-title">Post</h1>
      {card.replyToId ? <ParentPost id={card.replyToId} /> : null}
      <PostArticle item={card} focused />
      <section aria-labelledby="replies-title" className="thread-section">
        <h2 id="replies-title">Replies</h2>
        <ReplyBox postId={card.id} />
        <Replies postId={card.id} />
      </section>
      <section aria-labelledby="comments-title" className="thread-section">
        <h2 id="comments-title">Comments</h2>
        <CommentBox postId={card.id} label="Add a comment" />
        <Comments postId={card.id} parent={null} depth={0} label="Comments" />
      </section>
    </>
  );
}

/** The post a reply answers, above it. */
function ParentPost({ id }: { id: string }) {
  const parent = usePostCard(id);
  if (!parent.data) return null;
  return (
    <div className="thread-parent">
      <PostArticle item={parent.data} />
    </div>
  );
}

/** The replies to a post, oldest first. */
function Replies({ postId }: { postId: string }) {
  const queryClient = useQueryClient();
  const replies = useInfiniteQuery({
    queryKey: ["replies", postId],
    initialPageParam: FIRST_AFTER,
    queryFn: async ({ pageParam }) => {
      const data = await fetchFromServer(
        postRepliesRef(dataConnect, { post: postId, ...pageParam, limit: PAGE }),
      );
      const page = repliesPage(data._select, PAGE);
      for (const item of page.items) primeEngagement(queryClient, item.id, engagementOf(item));
      return page;
    },
    getNextPageParam: (last) => last.next,
  });
  useLiveLastPage({
    queryKey: ["replies", postId],
    pageParams: replies.data?.pageParams,
    makeRef: (cursor: AfterCursor) => postRepliesRef(dataConnect, { post: postId, ...cursor, limit: PAGE }),
    toPage: (data) => {
      const page = repliesPage(data._select, PAGE);
      for (const item of page.items) primeEngagement(queryClient, item.id, engagementOf(item));
      return page;
    },
  });
  if (replies.isPending) return <Loading label="Loading replies…" />;
  if (replies.isError)
    return <ErrorState error={replies.error} retry={() => replies.refetch()} what="replies" />;
  const items = replies.data.pages.flatMap((p) => p.items);
  return (
    <>
      {items.length === 0 ? (
        <p className="muted pad">No replies yet. Start the conversation.</p>
      ) : (
        <div className="replies">
          {items.map((item) => (
            <PostArticle key={item.id} item={item} />
          ))}
        </div>
      )}
      <MoreButton list={replies} label="Show more replies" />
    </>
  );
}

function ReplyBox({ postId }: { postId: string }) {
  const queryClient = useQueryClient();
  const toasts = useToasts();
  return (
    <Composer
      label="Your reply"
      submitLabel="Reply"
      placeholder="Post your reply"
      onSubmit={async (text) => {
        await reply(dataConnect, { to: postId, content: text });
        queryClient.setQueryData<Engagement>(engagementKey(postId), (e) =>
          e ? { ...e, replyCount: e.replyCount + 1 } : e,
        );
        toasts.info("Your reply is posted.");
        void queryClient.invalidateQueries({ queryKey: ["feed"] });
        void queryClient.invalidateQueries({ queryKey: ["GetMe"] });
        await queryClient.invalidateQueries({ queryKey: ["replies", postId] });
      }}
    />
  );
}

/** One level of a post's comments: top-level ones (`parent` null) or the answers to `parent`. */
function Comments(props: { postId: string; parent: string | null; depth: number; label: string }) {
  const queryKey = ["comments", props.postId, props.parent];
  const comments = useInfiniteQuery({
    queryKey,
    initialPageParam: FIRST_AFTER,
    queryFn: async ({ pageParam }) => {
      const vars = { post: props.postId, parent: props.parent, ...pageParam, limit: PAGE };
      return commentsPage((await fetchFromServer(postCommentsRef(dataConnect, vars)))._select, PAGE);
    },
    getNextPageParam: (last) => last.next,
  });
  useLiveLastPage({
    queryKey,
    pageParams: comments.data?.pageParams,
    makeRef: (cursor: AfterCursor) =>
      postCommentsRef(dataConnect, { post: props.postId, parent: props.parent, ...cursor, limit: PAGE }),
    toPage: (data) => commentsPage(data._select, PAGE),
  });
  if (comments.isPending) return <Loading label={props.parent ? "Loading answers…" : "Loading comments…"} />;
  if (comments.isError)
    return <ErrorState error={comments.error} retry={() => comments.refetch()} what="comments" />;
  const items = comments.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return props.parent ? null : <p className="muted pad">No comments yet.</p>;
  return (
    <>
      <ul className={props.parent ? "answers" : "comments"} aria-label={props.label}>
        {items.map((c) => (
          <CommentItem key={c.id} comment={c} postId={props.postId} depth={props.depth} />
        ))}
      </ul>
      <MoreButton list={comments} label={props.parent ? "Show more answers" : "Show more comments"} />
    </>
  );
}

function CommentItem({ comment, postId, depth }: { comment: CommentRow; postId: string; depth: number }) {
  const me = useUser();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const [answering, setAnswering] = useState(false);
  const name = comment.authorDisplayName ?? "A deleted comment";
  const author = comment.authorUid ? { uid: comment.authorUid, username: comment.authorUsername } : null;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["comments", postId] });
  return (
    <li className="comment">
      <div className="comment-body">
        {author ? (
          <Avatar name={name} uid={author.uid} url={comment.authorAvatarUrl} size={32} />
        ) : (
          <span className="avatar-placeholder" aria-hidden="true" />
        )}
        <div className="comment-main">
          <p className="comment-header">
            {author ? (
              <>
                <Link to={profilePath(author)} className="author">
                  {name}
                </Link>
                {handleOf(author) ? <span className="handle"> {handleOf(author)}</span> : null}
                <span className="dot" aria-hidden="true">
                  {" "}
                  ·{" "}
                </span>
              </>
            ) : null}
            <RelativeTime iso={comment.createdAt} />
          </p>
          {comment.deletedAt ? (
            <p className="muted">This comment was deleted.</p>
          ) : (
            <Markdown text={comment.content} />
          )}
          {!comment.deletedAt ? (
            <div className="comment-actions">
              <button
                type="button"
                className="link-button"
                aria-expanded={answering}
                onClick={() => setAnswering((a) => !a)}
              >
                Answer
              </button>
              {comment.authorUid === me.uid ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={async () => {
                    try {
                      await deleteComment(dataConnect, { id: comment.id });
                      await refresh();
                    } catch (error) {
                      toasts.error(`Couldn't delete the comment. ${describeError(error)}`);
                    }
                  }}
                >
                  Delete comment
                </button>
              ) : null}
            </div>
          ) : null}
          {answering ? (
            <CommentBox
              postId={postId}
              parent={comment.id}
              label={`Answer ${name}`}
              autoFocus
              onDone={() => setAnswering(false)}
            />
          ) : null}
        </div>
      </div>
      {comment.answerCount > 0 ? (
        <div className={depth + 1 < MAX_DEPTH ? "nest" : "flat"}>
          <Comments postId={postId} parent={comment.id} depth={depth + 1} label={`Answers to ${name}`} />
        </div>
      ) : null}
    </li>
  );
}

function CommentBox(props: {
  postId: string;
  parent?: string;
  label: string;
  autoFocus?: boolean;
  onDone?: () => void;
}) {
  const queryClient = useQueryClient();
  return (
    <Composer
      label={props.label}
      submitLabel={props.parent ? "Answer" : "Comment"}
      placeholder={props.parent ? "Write an answer" : "Write a comment"}
      limit={COMMENT_LIMIT}
      autoFocus={props.autoFocus}
      onSubmit={async (text) => {
        await addComment(dataConnect, { post: props.postId, content: text, parent: props.parent ?? null });
        // The new comment's level, and the level above it (whose answer count changed).
        await queryClient.invalidateQueries({ queryKey: ["comments", props.postId] });
        props.onDone?.();
      }}
    />
  );
}
