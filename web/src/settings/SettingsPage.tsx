// /settings: the account's username, whether it is private (and the follow requests that brings), a
// download of everything it holds, and deleting it.
import { useQueryClient } from "@tanstack/react-query";
import { EmailAuthProvider, reauthenticateWithCredential, signOut } from "firebase/auth";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { type Me, useMe, useUser } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { auth } from "../firebase/client.ts";
import { FollowRequests } from "../people/FollowRequests.tsx";
import { profilePath } from "../profile/handles.ts";
import { UsernameField } from "../profile/UsernameField.tsx";
import { saveProblem, useUpdateAccount } from "../profile/updateAccount.ts";
import { normalizeUsername, usernameProblem } from "../profile/username.ts";
import { FormError } from "../ui/FormError.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { useToasts } from "../ui/toasts.tsx";
import { deleteMyAccount, downloadMyData, exportFileName, needsRecentSignIn } from "./account.ts";

/** The settings screen. */
export function SettingsPage() {
  const me = useMe();
  if (me.isPending) return <Loading label="Loading your settings…" />;
  if (me.isError || !me.data)
    return <ErrorState error={me.error} retry={() => me.refetch()} what="your settings" />;
  return (
    <>
      <h1 className="page-title">Settings</h1>
      <div className="settings">
        <UsernameSection me={me.data} />
        <PrivacySection me={me.data} />
        <DataSection me={me.data} />
        <DeleteSection me={me.data} />
      </div>
    </>
  );
}

function UsernameSection({ me }: { me: Me }) {
  const account = useUpdateAccount(me.uid);
  const toasts = useToasts();
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const username = normalizeUsername(String(new FormData(event.currentTarget).get("username")));
    if (username === me.username?.toLowerCase()) return setError("That is your username already.");
    const problem = usernameProblem(username);
    if (problem) return setError(problem);
    setError(null);
    try {
      await account.save({ username });
    } catch (e) {
      return setError(saveProblem(e));
    }
    toasts.info(`Your username is now @${username}.`);
  }

  return (
    <section className="settings-section" aria-labelledby="settings-username">
      <h2 id="settings-username">Username</h2>
      <form className="stack" onSubmit={submit} aria-labelledby="settings-username" noValidate>
        <UsernameField
          id="settings-username-input"
          current={me.username}
          hint={
            <>
              3 to 30 letters, digits or underscores. Your profile is at{" "}
              <Link to={profilePath(me)}>{profilePath(me)}</Link>; the old address stops working.
            </>
          }
        />
        <FormError message={error} />
        <div className="row">
          <button type="submit" className="button primary" disabled={account.isPending}>
            Change username
          </button>
        </div>
      </form>
    </section>
  );
}

function PrivacySection({ me }: { me: Me }) {
  const account = useUpdateAccount(me.uid);
  const toasts = useToasts();
  const [error, setError] = useState<string | null>(null);
  // The switch moves at once; it goes back if the server refuses.
  const [asked, setAsked] = useState<boolean | null>(null);

  async function toggle(isPrivate: boolean) {
    setError(null);
    setAsked(isPrivate);
    try {
      await account.save({ isPrivate });
      toasts.info(isPrivate ? "Your account is private now." : "Your account is public now.");
    } catch (e) {
      setError(saveProblem(e));
    } finally {
      setAsked(null);
    }
  }

  return (
    <section className="settings-section" aria-labelledby="settings-privacy">
      <h2 id="settings-privacy">Privacy</h2>
      <div className="setting-toggle">
        <input
          id="settings-private"
          type="checkbox"
          checked={asked ?? me.isPrivate}
          disabled={account.isPending}
          aria-describedby="settings-private-hint"
          onChange={(e) => toggle(e.target.checked)}
        />
        <label htmlFor="settings-private">Private account</label>
      </div>
      <p id="settings-private-hint" className="hint">
        Only followers you approve see your posts and your follower and following lists; following you becomes
        a request you approve or decline here or in Notifications. Making the account public again approves
        every pending request.
      </p>
      <FormError message={error} />
      {me.isPrivate ? (
        <div className="follow-requests">
          <h3>Follow requests</h3>
          <FollowRequests />
        </div>
      ) : null}
    </section>
  );
}

function DataSection({ me }: { me: Me }) {
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      await downloadMyData(exportFileName(me.username ?? me.uid));
      toasts.info("Your data is downloading.");
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="settings-section" aria-labelledby="settings-data">
      <h2 id="settings-data">Your data</h2>
      <p className="hint">
        One JSON file with your profile, posts, comments, follows, likes, bookmarks, blocks, mutes and drafts.
      </p>
      <FormError message={error} />
      <div className="row">
        <button type="button" className="button" onClick={download} disabled={busy} aria-busy={busy}>
          {busy ? "Preparing your data…" : "Download my data"}
        </button>
      </div>
    </section>
  );
}

function DeleteSection({ me }: { me: Me }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="settings-section danger-zone" aria-labelledby="settings-delete">
      <h2 id="settings-delete">Delete account</h2>
      <p className="hint">
        Deleting your account removes your profile, posts, comments, follows, likes and drafts for good.
        Download your data first if you want to keep it.
      </p>
      <div className="row">
        <button type="button" className="button danger" onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      </div>
      {open ? <DeleteDialog me={me} onClose={() => setOpen(false)} /> : null}
    </section>
  );
}

/** Confirms the deletion: the person types their username (and, when the sign-in is old, their password). */
function DeleteDialog({ me, onClose }: { me: Me; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const confirmWord = me.username ?? me.displayName;
  const [typed, setTyped] = useState("");
  const [password, setPassword] = useState("");
  const [needPassword, setNeedPassword] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Opened once mounted (see QuoteDialog: no close() in a cleanup).
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const confirmed = typed.trim().toLowerCase() === confirmWord.toLowerCase();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!confirmed || busy) return;
    setBusy(true);
    setError(null);
    try {
      if (needPassword) {
        await reauthenticateWithCredential(user, EmailAuthProvider.credential(user.email ?? "", password));
      }
      await deleteMyAccount();
    } catch (e) {
      setBusy(false);
      if (needsRecentSignIn(e)) {
        setNeedPassword(true);
        return setError("For your safety, enter your password to confirm it's you.");
      }
      return setError(describeError(e));
    }
    // Gone on the server: leave the signed-in screens, forget what this browser cached of the account.
    navigate("/", { replace: true });
    await signOut(auth).catch(() => {});
    queryClient.clear();
    toasts.info("Your account has been deleted.");
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="delete-title" onClose={onClose}>
      <div className="dialog-header">
        <h2 id="delete-title">Delete your account?</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <form className="stack" onSubmit={submit}>
        <p>
          This can't be undone. Type <strong>{confirmWord}</strong> to confirm.
        </p>
        <div className="field">
          <label htmlFor="delete-confirm">Your username</label>
          <input
            id="delete-confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
          />
        </div>
        {needPassword ? (
          <div className="field">
            <label htmlFor="delete-password">Password</label>
            <input
              id="delete-password"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
            />
          </div>
        ) : null}
        <FormError message={error} />
        <div className="row">
          <button
            type="submit"
            className="button danger-solid"
            disabled={!confirmed || busy}
            aria-busy={busy}
          >
            {busy ? "Deleting…" : "Delete my account"}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
