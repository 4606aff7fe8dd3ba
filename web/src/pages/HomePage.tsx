// Home: the composer and the home feed (the people you follow, and you).

import { createPost } from "@rookery/dataconnect";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { useUser } from "../auth/session.tsx";
import { useDraftAutosave } from "../drafts/drafts.ts";
import { Feed } from "../feed/Feed.tsx";
import { resetFeed } from "../feed/useFeed.ts";
import { dataConnect } from "../firebase/client.ts";
import { Composer } from "../posts/Composer.tsx";
import { Empty } from "../ui/states.tsx";
import { useToasts } from "../ui/toasts.tsx";

/** The home screen. */
export function HomePage() {
  const user = useUser();
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const [params, setParams] = useSearchParams();
  const resumed = params.get("draft") ?? undefined;
  const resumedText = resumed ? (sessionStorage.getItem(`rookery.draft.${resumed}`) ?? "") : undefined;
  const drafts = useDraftAutosave(user.uid, resumed);
  return (
    <>
      <h1 className="page-title">Home</h1>
      <section aria-label="Write a post" className="compose-card">
        <Composer
          key={resumed ?? "new"}
          label="New post"
          submitLabel="Post"
          placeholder="What's happening?"
          initialText={resumedText}
          onTextChange={drafts.onTextChange}
          onSubmit={async (text) => {
            await createPost(dataConnect, { content: text });
            drafts.discard();
            if (resumed) setParams({}, { replace: true });
            toasts.info("Your post is live.");
            void queryClient.invalidateQueries({ queryKey: ["GetMe"] });
            await resetFeed(queryClient, { kind: "home" });
          }}
        />
      </section>
      <Feed
        source={{ kind: "home" }}
        label="Home feed"
        empty={
          <Empty title="Your home feed is empty">
            <p>
              Posts from people you follow show up here. Say hello above, or find people on{" "}
              <Link to="/explore">Explore</Link>.
            </p>
          </Empty>
        }
      />
    </>
  );
}
