// The username input of Edit profile and Settings: the same limits and typing hints in both.
import type { ReactNode } from "react";

/** A labelled `username` input showing `current`, with `hint` under it. */
export function UsernameField(props: { id: string; current?: string | null; hint: ReactNode }) {
  const hintId = `${props.id}-hint`;
  return (
    <div className="field">
      <label htmlFor={props.id}>Username</label>
      <input
        id={props.id}
        name="username"
        // A new value from the server (a saved change) replaces what is shown.
        key={props.current ?? ""}
        defaultValue={props.current ?? ""}
        maxLength={30}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        aria-describedby={hintId}
      />
      <p id={hintId} className="hint">
        {props.hint}
      </p>
    </div>
  );
}
