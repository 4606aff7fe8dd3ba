// Drafts: what the composer saved while you typed (Firestore, offline-first). Resume one in the
// composer, publish it as a post, or delete it.

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useNavigate } from "react-router";
import { useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { type Draft, deleteDraft, publishDraft, useDrafts } from "../drafts/drafts.ts";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { RelativeTime } from "../ui/time.tsx";
import { useToasts } from "../ui/toasts.tsx";

/** The drafts screen. */
export function DraftsPage() {
  const user = useUser();
  const drafts = useDrafts(user.uid);
  return (
    <>
      <h1 className="page-title">Drafts</h1>
      {drafts.status === "ready" && drafts.fromCache ? (
        <p className="notice" role="status">
          {drafts.pendingWrites
            ? "Saved on this device. Drafts sync when Rookery's draft storage is reachable again."
            : "Showing drafts saved on this device; Rookery's draft storage isn't reachable right now."}
        </p>
      ) : null}
      {drafts.status === "loading" ? (
        <Loading label="Loading drafts…" />
      ) : drafts.status === "error" ? (
        <ErrorState error={drafts.error} what="your drafts" />
      ) : (
        <>
          <ul className="drafts" aria-label="Drafts">
            {drafts.drafts.map((draft) => (
              <DraftItem key={draft.id} draft={draft} uid={user.uid} />
            ))}
          </ul>
          {drafts.drafts.length === 0 ? (
            <Empty title="No drafts">What you type in the composer is saved here until you post it.</Empty>
          ) : null}
        </>
      )}
    </>
  );
}

function DraftItem({ draft, uid }: { draft: Draft; uid: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  // Set synchronously: a second click landing before React re-renders the disabled button is ignored.
  const publishing = useRef(false);
  return (
    <li className="draft">
      <p className="draft-text">{draft.content}</p>
      <div className="draft-bar">
        {draft.updatedAt ? (
          <span className="muted small">
            Saved <RelativeTime iso={draft.updatedAt.toISOString()} />
          </span>
        ) : null}
        <button
          type="button"
          className="button small"
          onClick={() => {
            sessionStorage.setItem(`rookery.draft.${draft.id}`, draft.content);
            navigate(`/?draft=${draft.id}`);
          }}
        >
          Edit
        </button>
        <button
          type="button"
          className="button small primary"
          disabled={busy}
          aria-busy={busy}
          onClick={async () => {
            if (publishing.current) return;
            publishing.current = true;
            setBusy(true);
            try {
              // The function creates the post and deletes the draft; the list drops it by itself.
              const result = await publishDraft(draft.id);
              toasts.info(
                result.draftDeleted
                  ? "Draft published."
                  : "Draft published. It was edited meanwhile, so the edit stays here as a draft.",
              );
              void queryClient.invalidateQueries({ queryKey: ["feed"] });
              void queryClient.invalidateQueries({ queryKey: ["GetMe"] });
              if (!result.draftDeleted) {
                publishing.current = false;
                setBusy(false);
              }
            } catch (error) {
              toasts.error(`Couldn't publish the draft; it's still here. ${describeError(error)}`);
              publishing.current = false;
              setBusy(false);
            }
          }}
        >
          {busy ? "Publishing…" : "Publish"}
        </button>
        <button type="button" className="button small subtle" onClick={() => deleteDraft(uid, draft.id)}>
          Delete
        </button>
      </div>
    </li>
  );
}
