// A post's thread: the post, its replies (posts that reply to it) and its comments with their answers.

import { addComment, deleteComment, myLikesOnPostsRef, postThreadRef, reply } from "@rookery/dataconnect";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import { COMMENT_LIMIT, Composer } from "../posts/Composer.tsx";
import { type Engagement, engagementKey, primeEngagement } from "../posts/engagement.ts";
import { PostArticle } from "../posts/PostCard.tsx";
import { handleOf, profilePath } from "../profile/handles.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";

const PAGE = 20;

/** The thread screen at /p/:id. */
export function ThreadPage() {
  const { id = "" } = useParams();
  const [limit, setLimit] = useState(PAGE);
  const queryClient = useQueryClient();
  const thread = useQuery({
    queryKey: ["thread", id, limit],
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const data = await fetchFromServer(postThreadRef(dataConnect, { id, limit }));
      const post = data.post;
      if (!post) return null;
      const ids = [post.id, ...post.replies.map((r) => r.id)];
      const liked = new Set(
        (await fetchFromServer(myLikesOnPostsRef(dataConnect, { posts: ids }))).likes.map((l) => l.postId),
      );
      const known = (pid: string) => queryClient.getQueryData<Engagement>(engagementKey(pid));
      primeEngagement(queryClient, post.id, {
        liked: liked.has(post.id),
        bookmarked: known(post.id)?.bookmarked ?? false,
        likeCount: post.stats?.likeCount ?? 0,
        replyCount: post.stats?.replyCount ?? 0,
        shareCount: post.stats?.shareCount ?? 0,
      });
      for (const r of post.replies) {
        primeEngagement(queryClient, r.id, {
          liked: liked.has(r.id),
          bookmarked: known(r.id)?.bookmarked ?? false,
          likeCount: known(r.id)?.likeCount ?? 0,
          replyCount: known(r.id)?.replyCount ?? 0,
          shareCount: known(r.id)?.shareCount ?? 0,
        });
      }
      return post;
    },
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["thread", id] });

  if (thread.isPending) return <Loading label="Loading the post…" />;
  if (thread.isError)
    return <ErrorState error={thread.error} retry={() => thread.refetch()} what="this post" />;
  const post = thread.data;
  if (!post || post.deletedAt) {
    return (
      <>
        <h1 className="page-title">Post</h1>
        <Empty title="This post isn't available">
          It may have been deleted. <Link to="/">Back to your home feed</Link>
        </Empty>
      </>
    );
  }
  const engagement = { liked: false, bookmarked: false, likeCount: 0, replyCount: 0, shareCount: 0 };
  return (
    <>
      <h1 className="page-title">Post</h1>
      <PostArticle
        id={post.id}
        author={post.author}
        createdAt={post.createdAt}
        edited={!!post.editedAt}
        content={post.content}
        replyToId={post.replyToId ?? null}
        quoteOfId={post.quoteOfId ?? null}
        engagement={engagement}
        focused
      />
      <section aria-labelledby="replies-title" className="thread-section">
        <h2 id="replies-title">Replies</h2>
        <ReplyBox postId={post.id} onDone={refresh} />
        {post.replies.length === 0 ? (
          <p className="muted pad">No replies yet. Start the conversation.</p>
        ) : (
          <div className="replies">
            {post.replies.map((r) => (
              <PostArticle
                key={r.id}
                id={r.id}
                author={r.author}
                createdAt={r.createdAt}
                edited={false}
                content={r.content}
                replyToId={null}
                quoteOfId={null}
                engagement={engagement}
              />
            ))}
          </div>
        )}
        {post.replies.length >= limit ? (
          <button type="button" className="button" onClick={() => setLimit((l) => l + PAGE)}>
            Show more replies
          </button>
        ) : null}
      </section>
      <section aria-labelledby="comments-title" className="thread-section">
        <h2 id="comments-title">Comments</h2>
        <CommentBox postId={post.id} label="Add a comment" onDone={refresh} />
        {post.comments.length === 0 ? (
          <p className="muted pad">No comments yet.</p>
        ) : (
          <ul className="comments" aria-label="Comments">
            {post.comments.map((c) => (
              <CommentItem key={c.id} comment={c} postId={post.id} onChange={refresh}>
                {c.answers.length > 0 ? (
                  <ul className="answers" aria-label={`Answers to ${c.author.displayName}`}>
                    {c.answers.map((a) => (
                      <CommentItem key={a.id} comment={a} postId={post.id} onChange={refresh} nested />
                    ))}
                  </ul>
                ) : null}
              </CommentItem>
            ))}
          </ul>
        )}
        {post.comments.length >= limit ? (
          <button type="button" className="button" onClick={() => setLimit((l) => l + PAGE)}>
            Show more comments
          </button>
        ) : null}
      </section>
    </>
  );
}

function ReplyBox({ postId, onDone }: { postId: string; onDone: () => void }) {
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
        onDone();
      }}
    />
  );
}

function CommentBox(props: {
  postId: string;
  parent?: string;
  label: string;
  autoFocus?: boolean;
  onDone: () => void;
}) {
  return (
    <Composer
      label={props.label}
      submitLabel={props.parent ? "Answer" : "Comment"}
      placeholder={props.parent ? "Write an answer" : "Write a comment"}
      limit={COMMENT_LIMIT}
      autoFocus={props.autoFocus}
      onSubmit={async (text) => {
        await addComment(dataConnect, { post: props.postId, content: text, parent: props.parent ?? null });
        props.onDone();
      }}
    />
  );
}

interface CommentRow {
  id: string;
  content: string;
  createdAt: string;
  deletedAt?: string | null;
  author: { uid: string; username?: string | null; displayName: string; avatarUrl?: string | null };
}

function CommentItem(props: {
  comment: CommentRow;
  postId: string;
  onChange: () => void;
  /** An answer: answers are not answered in turn (one level, as the schema checks). */
  nested?: boolean;
  children?: React.ReactNode;
}) {
  const { comment } = props;
  const me = useUser();
  const toasts = useToasts();
  const [answering, setAnswering] = useState(false);
  return (
    <li className="comment">
      <div className="comment-body">
        <Avatar
          name={comment.author.displayName}
          uid={comment.author.uid}
          url={comment.author.avatarUrl}
          size={32}
        />
        <div className="comment-main">
          <p className="comment-header">
            <Link to={profilePath(comment.author)} className="author">
              {comment.author.displayName}
            </Link>
            {handleOf(comment.author) ? <span className="handle"> {handleOf(comment.author)}</span> : null}
            <span className="dot" aria-hidden="true">
              {" "}
              ·{" "}
            </span>
            <RelativeTime iso={comment.createdAt} />
          </p>
          {comment.deletedAt ? (
            <p className="muted">This comment was deleted.</p>
          ) : (
            <Markdown text={comment.content} />
          )}
          {!comment.deletedAt ? (
            <div className="comment-actions">
              {!props.nested ? (
                <button
                  type="button"
                  className="link-button"
                  aria-expanded={answering}
                  onClick={() => setAnswering((a) => !a)}
                >
                  Answer
                </button>
              ) : null}
              {comment.author.uid === me.uid ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={async () => {
                    try {
                      await deleteComment(dataConnect, { id: comment.id });
                      props.onChange();
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
              postId={props.postId}
              parent={comment.id}
              label={`Answer ${comment.author.displayName}`}
              autoFocus
              onDone={() => {
                setAnswering(false);
                props.onChange();
              }}
            />
          ) : null}
        </div>
      </div>
      {props.children}
    </li>
  );
}
