// Signed out: sign in with email and password, or create an account (email, password, display name).
import { createUserWithEmailAndPassword, signInWithEmailAndPassword, updateProfile } from "firebase/auth";
import { type FormEvent, useId, useState } from "react";
import { Link, useLocation } from "react-router";
import { describeError } from "../data/errors.ts";
import { auth, config } from "../firebase/client.ts";
import { FormError } from "../ui/FormError.tsx";
import { Logo } from "../ui/Logo.tsx";
import { rememberChosenDisplayName } from "./session.tsx";

/** The sign-in form, or the sign-up form at /signup. */
export function SignInPage() {
  const creating = useLocation().pathname === "/signup";
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <Logo />
        <h1>{creating ? "Create your account" : "Sign in to Rookery"}</h1>
        {creating ? <SignUpForm /> : <SignInForm />}
        {config.emulators ? (
          <p className="hint">
            Local stack: try <code>demo@rookery.test</code> / <code>rookery-demo</code>.
          </p>
        ) : null}
      </div>
    </main>
  );
}

function SignInForm() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const location = useLocation();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signInWithEmailAndPassword(auth, String(form.get("email")), String(form.get("password")));
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} className="stack" aria-busy={busy} noValidate={false}>
      <Field label="Email" name="email" type="email" autoComplete="email" />
      <Field label="Password" name="password" type="password" autoComplete="current-password" />
      <FormError message={error} />
      <button type="submit" className="button primary wide" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <p className="switch">
        New here?{" "}
        <Link to="/signup" state={location.state}>
          Create account
        </Link>
      </p>
    </form>
  );
}

function SignUpForm() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const displayName = String(form.get("displayName")).trim();
    if (!displayName) {
      setError("Choose a display name: it's how people see you.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const email = String(form.get("email"));
      // The account's row gets this name once signed in (session.tsx), whether the Auth mirror or the
      // app creates the row first.
      rememberChosenDisplayName(email, displayName);
      const { user } = await createUserWithEmailAndPassword(auth, email, String(form.get("password")));
      await updateProfile(user, { displayName });
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} className="stack" aria-busy={busy}>
      <Field label="Email" name="email" type="email" autoComplete="email" />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={6}
        hint="At least 6 characters."
      />
      <Field label="Display name" name="displayName" autoComplete="nickname" maxLength={80} />
      <FormError message={error} />
      <button type="submit" className="button primary wide" disabled={busy}>
        {busy ? "Creating your account…" : "Create account"}
      </button>
      <p className="switch">
        Already have an account? <Link to="/">Sign in</Link>
      </p>
    </form>
  );
}

function Field(props: {
  label: string;
  name: string;
  type?: string;
  autoComplete?: string;
  minLength?: number;
  maxLength?: number;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        minLength={props.minLength}
        maxLength={props.maxLength}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        required
      />
      {props.hint ? (
        <p id={`${id}-hint`} className="hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}
