// Posts shown inside other posts. A quote or repost row carries the post it refers to as `embed`
// (present only when the viewer may see it), enough to show it at once; a repost also needs the
// original's counters and the viewer's like and bookmark on it, which only its own post card
// (PostThread) has, so that is fetched, cached per id and primed into the shared engagement cache.

import { postThreadRef } from "@rookery/dataconnect";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { postCard } from "../../../dataconnect/client/feed.ts";
import { fetchFromServer } from "../data/query.ts";
import type { EmbeddedPost as Embed, FeedItem } from "../feed/page.ts";
import { dataConnect } from "../firebase/client.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import { handleOf, profilePath } from "../profile/handles.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { engagementOf, primeEngagement } from "./engagement.ts";

/** The query options of one post card by id (PostThread): null when missing, deleted or hidden. */
export function postQuery(id: string) {
  return {
    queryKey: ["post", id] as const,
    queryFn: async (): Promise<FeedItem | null> =>
      postCard((await fetchFromServer(postThreadRef(dataConnect, { id }))).post),
  };
}

/** A post card by id, with the viewer's engagement primed into the shared cache. */
export function usePostCard(id: string, enabled = true) {
  const queryClient = useQueryClient();
  const options = postQuery(id);
  return useQuery({
    ...options,
    enabled,
    staleTime: 60_000,
    queryFn: async () => {
      const card = await options.queryFn();
      if (card) primeEngagement(queryClient, card.id, engagementOf(card));
      return card;
    },
  });
}

/** A compact, linked preview of a quoted post; `embed` null: the viewer may not see it (any more). */
export function EmbeddedPost({ embed }: { embed: Embed | null }) {
  if (!embed) return <div className="embed muted">The quoted post isn't available.</div>;
  const author = { uid: embed.authorUid, username: embed.authorUsername };
  return (
    <div className="embed">
      <div className="embed-header">
        <Avatar name={embed.authorDisplayName} uid={embed.authorUid} url={embed.authorAvatarUrl} size={20} />
        <Link to={profilePath(author)} className="author">
          {embed.authorDisplayName}
        </Link>
        {handleOf(author) ? <span className="handle">{handleOf(author)}</span> : null}
        <span className="dot" aria-hidden="true">
          ·
        </span>
        <Link to={`/p/${embed.id}`} className="time-link" aria-label="Open the quoted post">
          <RelativeTime iso={embed.createdAt} />
        </Link>
      </div>
      <div className="post-text">
        <Markdown text={embed.content} />
      </div>
    </div>
  );
}
