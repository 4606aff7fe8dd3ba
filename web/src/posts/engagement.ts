// What the signed-in person sees of their own engagement with a post (liked, bookmarked, reposted)
// and its counters. One cache entry per post, shared by every view of that post (feeds, thread,
// bookmarks, quotes), primed from whatever row last came from the server and changed optimistically.

import { bookmarkPost, deletePost, likePost, repost, unbookmarkPost, unlikePost } from "@rookery/dataconnect";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { describeError } from "../data/errors.ts";
import { insertedId } from "../data/inserted.ts";
import type { FeedItem } from "../feed/page.ts";
import { dataConnect } from "../firebase/client.ts";
import { useToasts } from "../ui/toasts.tsx";
import { runOptimistic } from "./optimistic.ts";

/** The viewer's engagement with one post and its counters. */
export interface Engagement {
  liked: boolean;
  bookmarked: boolean;
  likeCount: number;
  replyCount: number;
  shareCount: number;
  /** The id of the repost the viewer made in this session (so it can be undone). */
  myRepostId: string | null;
}

/** A post card's engagement fields. */
export function engagementOf(item: FeedItem): Omit<Engagement, "myRepostId"> {
  return {
    liked: item.likedByMe,
    bookmarked: item.bookmarkedByMe,
    likeCount: item.likeCount,
    replyCount: item.replyCount,
    shareCount: item.shareCount,
  };
}

/** The cache key of a post's engagement. */
export function engagementKey(postId: string) {
  return ["engagement", postId] as const;
}

/** Caches what the server just said about a post, unless a change of ours to it is still in flight. */
export function primeEngagement(
  queryClient: ReturnType<typeof useQueryClient>,
  postId: string,
  fresh: Omit<Engagement, "myRepostId">,
): void {
  if (queryClient.isMutating({ mutationKey: engagementKey(postId) }) > 0) return;
  if (pending.has(postId)) return;
  const current = queryClient.getQueryData<Engagement>(engagementKey(postId));
  queryClient.setQueryData<Engagement>(engagementKey(postId), {
    ...fresh,
    myRepostId: current?.myRepostId ?? null,
  });
}

/** Posts with a change in flight, whose cache entries server rows must not overwrite. */
const pending = new Set<string>();

/** A post's engagement: the cached one, else `seed`. */
export function useEngagement(postId: string, seed: Omit<Engagement, "myRepostId">): Engagement {
  const { data } = useQuery({
    queryKey: engagementKey(postId),
    queryFn: () => ({ ...seed, myRepostId: null }),
    initialData: () => ({ ...seed, myRepostId: null }),
    staleTime: Number.POSITIVE_INFINITY,
    enabled: false,
  });
  return data;
}

type Action = "like" | "bookmark" | "repost";

/** Like, bookmark and repost toggles for one post, optimistic, with rollback and a visible error. */
export function useEngagementActions(postId: string) {
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const inFlight = useRef(new Set<Action>());
  const [busy, setBusy] = useState<ReadonlySet<Action>>(new Set());

  async function run(action: Action, change: Parameters<typeof runOptimistic<Engagement, unknown>>[1]) {
    // One change per toggle at a time: a second click while the first is in flight is ignored.
    if (inFlight.current.has(action)) return;
    inFlight.current.add(action);
    pending.add(postId);
    setBusy(new Set(inFlight.current));
    try {
      await runOptimistic(queryClient, change);
    } catch (error) {
      toasts.error(`${failure[action]} ${describeError(error)}`);
    } finally {
      inFlight.current.delete(action);
      if (inFlight.current.size === 0) pending.delete(postId);
      setBusy(new Set(inFlight.current));
    }
  }

  const key = engagementKey(postId);
  const current = () => queryClient.getQueryData<Engagement>(key);
  return {
    busy,
    toggleLike() {
      const liked = current()?.liked ?? false;
      return run("like", {
        key,
        apply: (e: Engagement) => ({
          ...e,
          liked: !liked,
          likeCount: Math.max(0, e.likeCount + (liked ? -1 : 1)),
        }),
        send: () =>
          liked ? unlikePost(dataConnect, { post: postId }) : likePost(dataConnect, { post: postId }),
      });
    },
    toggleBookmark() {
      const bookmarked = current()?.bookmarked ?? false;
      return run("bookmark", {
        key,
        apply: (e: Engagement) => ({ ...e, bookmarked: !bookmarked }),
        send: async () => {
          await (bookmarked
            ? unbookmarkPost(dataConnect, { post: postId })
            : bookmarkPost(dataConnect, { post: postId }));
          void queryClient.invalidateQueries({ queryKey: ["bookmarks"] });
        },
      });
    },
    toggleRepost() {
      const mine = current()?.myRepostId;
      if (mine) {
        return run("repost", {
          key,
          apply: (e: Engagement) => ({ ...e, myRepostId: null, shareCount: Math.max(0, e.shareCount - 1) }),
          send: () => deletePost(dataConnect, { id: mine }),
        });
      }
      return run("repost", {
        key,
        apply: (e: Engagement) => ({ ...e, myRepostId: "pending", shareCount: e.shareCount + 1 }),
        send: async () => insertedId((await repost(dataConnect, { of: postId })).data.post_insert),
        settle: (e: Engagement, id) => ({ ...e, myRepostId: id as string }),
      });
    },
  };
}

const failure: Record<Action, string> = {
  like: "Couldn't update your like.",
  bookmark: "Couldn't update your bookmark.",
  repost: "Couldn't update your repost.",
};
