// Explore: everyone's public posts, newest first.
import { Feed } from "../feed/Feed.tsx";
import { WhoToFollow } from "../people/WhoToFollow.tsx";
import { Empty } from "../ui/states.tsx";

/** The explore screen. */
export function ExplorePage() {
  return (
    <>
      <h1 className="page-title">Explore</h1>
      <div className="only-narrow">
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
