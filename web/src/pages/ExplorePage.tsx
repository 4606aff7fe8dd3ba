// Explore: everyone's public posts, newest first; on narrow screens (no rail) trending tags and who to follow.
import { Feed } from "../feed/Feed.tsx";
import { TrendingTags } from "../hashtags/TrendingTags.tsx";
import { WhoToFollow } from "../people/WhoToFollow.tsx";
import { Empty } from "../ui/states.tsx";

/** The explore screen. */
export function ExplorePage() {
  return (
    <>
      <h1 className="page-title">Explore</h1>
      <div className="only-narrow stack">
        <TrendingTags />
        <WhoToFollow />
      </div>
      <Feed
        source={{ kind: "explore" }}
        label="Explore feed"
        empty={<Empty title="Nothing here yet">Nobody has posted anything public so far.</Empty>}
      />
    </>
  );
}
