// A post shown inside another: the quoted post of a quote, the original of a repost. Feed rows carry
// only the id of the post they quote or repost, so it is fetched (PostThread without replies) and
// cached per id; the viewer's like on it comes from MyLikesOnPosts.

import { myLikesOnPostsRef, postThreadRef } from "@rookery/dataconnect";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import { handleOf, profilePath } from "../profile/handles.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { type Engagement, engagementKey, primeEngagement } from "./engagement.ts";

/** A post fetched by id, with the viewer's engagement primed into the shared cache. */
export function useOriginalPost(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: ["post", id],
    staleTime: 60_000,
    queryFn: async () => {
      const [thread, likes] = await Promise.all([
        fetchFromServer(postThreadRef(dataConnect, { id, limit: 0 })),
        fetchFromServer(myLikesOnPostsRef(dataConnect, { posts: [id] })),
      ]);
      const post = thread.post;
      if (!post || post.deletedAt) throw new Error("that post does not exist");
      const cached = queryClient.getQueryData<Engagement>(engagementKey(id));
      const engagement = {
        liked: likes.likes.length > 0,
        // No operation tells whether the viewer bookmarked a post they did not reach through a feed.
        bookmarked: cached?.bookmarked ?? false,
        likeCount: post.stats?.likeCount ?? 0,
        replyCount: post.stats?.replyCount ?? 0,
        shareCount: post.stats?.shareCount ?? 0,
      };
      primeEngagement(queryClient, id, engagement);
      return { post, engagement };
    },
  });
}

/** A compact, linked preview of the post `id`. */
export function EmbeddedPost({ id }: { id: string }) {
  const { data, isError, isPending } = useOriginalPost(id);
  if (isPending) return <div className="embed muted">Loading the quoted post…</div>;
  if (isError || !data) return <div className="embed muted">The quoted post is no longer available.</div>;
  const { post } = data;
  return (
    <div className="embed">
      <div className="embed-header">
        <Avatar name={post.author.displayName} uid={post.author.uid} url={post.author.avatarUrl} size={20} />
        <Link to={profilePath(post.author)} className="author">
          {post.author.displayName}
        </Link>
        {handleOf(post.author) ? <span className="handle">{handleOf(post.author)}</span> : null}
        <span className="dot" aria-hidden="true">
          ·
        </span>
        <Link to={`/p/${post.id}`} className="time-link" aria-label="Open the quoted post">
          <RelativeTime iso={post.createdAt} />
        </Link>
      </div>
      <div className="post-text">
        <Markdown text={post.content} />
      </div>
    </div>
  );
}
