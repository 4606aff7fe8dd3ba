// A post's actions. Like, Bookmark and Repost are toggles (aria-pressed) that change at once and roll
// back with a visible error when the server refuses.
import { useState } from "react";
import { Link } from "react-router";
import { type Engagement, useEngagement, useEngagementActions } from "./engagement.ts";
import { QuoteDialog } from "./QuoteDialog.tsx";

/** Reply, Repost, Quote, Like and Bookmark for one post. */
export function ActionBar(props: {
  postId: string;
  seed: Omit<Engagement, "myRepostId">;
  author: { displayName: string };
  content: string;
  /** False: the toggles show disabled (their state is not known yet). */
  ready?: boolean;
}) {
  const waiting = props.ready === false;
  const engagement = useEngagement(props.postId, props.seed);
  const actions = useEngagementActions(props.postId);
  const [quoting, setQuoting] = useState(false);
  return (
    <div className="actions">
      <span className="action-group">
        <Link to={`/p/${props.postId}`} className="action" aria-label="Reply">
          <Icon path="M4 5h16v10H8l-4 4z" />
        </Link>
        <Count value={engagement.replyCount} noun="replies" />
      </span>
      <span className="action-group">
        <button
          type="button"
          className="action repost"
          aria-label="Repost"
          aria-pressed={!!engagement.myRepostId}
          aria-busy={actions.busy.has("repost")}
          disabled={waiting}
          onClick={() => actions.toggleRepost()}
        >
          <Icon path="M7 7h10l-3-3M17 17H7l3 3M17 7v5M7 17v-5" />
        </button>
        <Count value={engagement.shareCount} noun="reposts and quotes" />
      </span>
      <button type="button" className="action" aria-label="Quote" onClick={() => setQuoting(true)}>
        <Icon path="M6 17h4l2-4V7H6v6h3zM14 17h4l2-4V7h-6v6h3z" />
      </button>
      <span className="action-group">
        <button
          type="button"
          className="action like"
          aria-label="Like"
          aria-pressed={engagement.liked}
          aria-busy={actions.busy.has("like")}
          disabled={waiting}
          onClick={() => actions.toggleLike()}
        >
          <Icon
            path="M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z"
            filled={engagement.liked}
          />
        </button>
        <Count value={engagement.likeCount} noun="likes" />
      </span>
      <button
        type="button"
        className="action bookmark"
        aria-label="Bookmark"
        aria-pressed={engagement.bookmarked}
        aria-busy={actions.busy.has("bookmark")}
        disabled={waiting}
        onClick={() => actions.toggleBookmark()}
      >
        <Icon path="M6 4h12v16l-6-4-6 4z" filled={engagement.bookmarked} />
      </button>
      {quoting ? (
        <QuoteDialog
          postId={props.postId}
          author={props.author.displayName}
          content={props.content}
          onClose={() => setQuoting(false)}
        />
      ) : null}
    </div>
  );
}

/** A count beside an icon; read out with its noun ("3 likes"). */
function Count({ value, noun }: { value: number; noun: string }) {
  return (
    <>
      <span className="count" aria-hidden="true">
        {value > 0 ? compact.format(value) : ""}
      </span>
      <span className="sr-only">
        {value} {noun}
      </span>
    </>
  );
}

const compact = new Intl.NumberFormat(undefined, { notation: "compact" });

function Icon({ path, filled = false }: { path: string; filled?: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        d={path}
        fill={filled ? "currentColor" : "none"}
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
