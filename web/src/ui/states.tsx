// Loading, empty and error states, the same everywhere.
import type { ReactNode } from "react";
import { describeError } from "../data/errors.ts";

/** A polite "loading" placeholder. */
export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** What is empty, and what to do about it. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <p className="state-title">{title}</p>
      {children ? <div className="state-body">{children}</div> : null}
    </div>
  );
}

/** What went wrong, with a way to try again. */
export function ErrorState({ error, retry, what }: { error: unknown; retry?: () => void; what: string }) {
  return (
    <div className="state error" role="alert">
      <p className="state-title">Couldn't load {what}.</p>
      <p className="state-body">{describeError(error)}</p>
      {retry ? (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
