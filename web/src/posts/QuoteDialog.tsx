// Quoting a post: a modal dialog (focus stays inside, Escape closes, focus returns to the Quote button).

import { quote } from "@rookery/dataconnect";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { dataConnect } from "../firebase/client.ts";
import { Markdown } from "../markdown/Markdown.tsx";
import { useToasts } from "../ui/toasts.tsx";
import { Composer } from "./Composer.tsx";
import { type Engagement, engagementKey } from "./engagement.ts";

/** A dialog to quote post `postId` by `author`. */
export function QuoteDialog(props: { postId: string; author: string; content: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const toasts = useToasts();
  // Opened once mounted; unmounting removes it. (No close() in a cleanup: StrictMode's remount would
  // fire `close` and dismiss the dialog it just opened.)
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`quote-${props.postId}`} onClose={props.onClose}>
      <div className="dialog-header">
        <h2 id={`quote-${props.postId}`}>Quote {props.author}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </div>
      <Composer
        label="Your quote"
        submitLabel="Post quote"
        placeholder="Add your thoughts…"
        autoFocus
        onSubmit={async (text) => {
          await quote(dataConnect, { of: props.postId, content: text });
          queryClient.setQueryData<Engagement>(engagementKey(props.postId), (e) =>
            e ? { ...e, shareCount: e.shareCount + 1 } : e,
          );
          toasts.info("Your quote is posted.");
          void queryClient.invalidateQueries({ queryKey: ["feed"] });
          props.onClose();
        }}
      />
      <blockquote className="embed">
        <Markdown text={props.content} />
      </blockquote>
    </dialog>
  );
}
