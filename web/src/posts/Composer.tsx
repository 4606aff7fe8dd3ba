// Writing a post, reply, quote or comment: Markdown, a live character count that warns near the limit,
// Ctrl/⌘+Enter to send. The text is kept when sending fails.
import { type FormEvent, type KeyboardEvent, useId, useState } from "react";
import { describeError } from "../data/errors.ts";
import { FormError } from "../ui/FormError.tsx";

/** Longest post the schema stores (Post.content varchar(5000)). */
export const POST_LIMIT = 5000;
/** Longest comment the schema stores (Comment.content varchar(2000)). */
export const COMMENT_LIMIT = 2000;

/** A labelled Markdown text box with a counter and a submit button. */
export function Composer(props: {
  label: string;
  submitLabel: string;
  placeholder?: string;
  limit?: number;
  autoFocus?: boolean;
  /** Shown beneath the box while the text is empty. */
  initialText?: string;
  /** Called as the text changes (drafts save from here). */
  onTextChange?: (text: string) => void;
  /** Sends the text; rejecting keeps it in the box and shows why. */
  onSubmit: (text: string) => Promise<void>;
}) {
  const limit = props.limit ?? POST_LIMIT;
  const [text, setText] = useState(props.initialText ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const length = [...text].length;
  const remaining = limit - length;
  const empty = text.trim().length === 0;
  const tooLong = remaining < 0;

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (empty || tooLong || busy) return;
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(text.trim());
      setText("");
      props.onTextChange?.("");
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form className="composer" onSubmit={submit} aria-busy={busy}>
      <label htmlFor={id} className="sr-only">
        {props.label}
      </label>
      <textarea
        id={id}
        value={text}
        placeholder={props.placeholder}
        rows={3}
        // biome-ignore lint/a11y/noAutofocus: dialogs and reply boxes open to write in
        autoFocus={props.autoFocus}
        aria-describedby={`${id}-count ${id}-help`}
        aria-invalid={tooLong}
        onChange={(e) => {
          setText(e.target.value);
          props.onTextChange?.(e.target.value);
        }}
        onKeyDown={onKeyDown}
      />
      <div className="composer-bar">
        <span id={`${id}-help`} className="hint">
          Markdown works: **bold**, _italic_, [links](https://example.com).
        </span>
        <span
          id={`${id}-count`}
          className={`char-count${remaining < 0 ? " over" : remaining <= 100 ? " near" : ""}`}
          aria-live={remaining <= 100 ? "polite" : "off"}
        >
          {remaining < 0 ? `${-remaining} characters over the limit` : `${remaining} characters left`}
        </span>
        <button type="submit" className="button primary" disabled={empty || tooLong || busy}>
          {props.submitLabel}
        </button>
      </div>
      <FormError message={error} />
    </form>
  );
}
