// /tag/<tag>: the posts carrying a hashtag, newest first (HashtagFeed), as an infinite feed.
import { useParams } from "react-router";
import { Feed } from "../feed/Feed.tsx";
import { Empty } from "../ui/states.tsx";
import { hashtagKey } from "./tags.ts";

/** The hashtag screen. */
export function TagPage() {
  const { tag: raw = "" } = useParams();
  const tag = hashtagKey(raw);
  if (!tag) {
    return (
      <>
        <h1 className="page-title">Not a hashtag</h1>
        <Empty title={`“${raw}” isn't a hashtag.`}>
          A hashtag is # followed by letters, digits or underscores (not only digits), 64 at most.
        </Empty>
      </>
    );
  }
  return (
    <>
      <h1 className="page-title">#{tag}</h1>
      <Feed
        key={tag}
        source={{ kind: "tag", tag }}
        label={`Posts tagged #${tag}`}
        empty={
          <Empty title={`No posts with #${tag} yet`}>
            Posts you can see that use #{tag} will show up here.
          </Empty>
        }
      />
    </>
  );
}
