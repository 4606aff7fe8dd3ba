// Editing one's own profile: display name, username, bio and picture go to the Postgres row
// (UpdateMyProfile through updateAccount.ts, the write Settings uses too; it refuses a taken username),
// then the display fields to the Firestore profile document, the record that firestore.rules validates
// and the profile-sync function mirrors into the row. Privacy is in Settings.

import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import type { Me } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { FormError } from "../ui/FormError.tsx";
import { useToasts } from "../ui/toasts.tsx";
import { profilePath } from "./handles.ts";
import { ProfileNotConfirmed, writeProfileDocument } from "./profileDocument.ts";
import { UsernameField } from "./UsernameField.tsx";
import { AccountRefusal, useUpdateAccount } from "./updateAccount.ts";
import { normalizeUsername, usernameProblem } from "./username.ts";

/** Why `url` is not acceptable as a picture address, or null when it is (empty: no picture). */
export function pictureProblem(url: string): string | null {
  if (!url) return null;
  if (!/^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[!-~]*)?$/.test(url)) {
    return "A picture address starts with https:// and has no spaces.";
  }
  return null;
}

/** What to tell the person when Firestore refused the profile document. */
function profileRefusal(error: unknown): string {
  return (error as { code?: unknown }).code === "permission-denied"
    ? "Rookery refused that profile: check the display name (80 characters at most) and bio (500)."
    : describeError(error);
}

/** The edit form; `onDone` closes it. */
export function EditProfileForm({ me, onDone }: { me: Me; onDone: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toasts = useToasts();
  const [error, setError] = useState<string | null>(null);
  const account = useUpdateAccount(me.uid);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaving(true);
    try {
      await save(event.currentTarget);
    } finally {
      setSaving(false);
    }
  }

  async function save(formElement: HTMLFormElement) {
    const form = new FormData(formElement);
    const displayName = String(form.get("displayName")).trim();
    const username = normalizeUsername(String(form.get("username")));
    const bio = String(form.get("bio")).trim();
    const avatarUrl = String(form.get("avatarUrl")).trim();
    if (!displayName) return setError("Your display name can't be empty.");
    const problem = username ? usernameProblem(username) : null;
    if (problem) return setError(problem);
    const pictureIssue = pictureProblem(avatarUrl);
    if (pictureIssue) return setError(pictureIssue);
    setError(null);
    // The row first: it is where a username can be refused (taken), before anything else changed.
    try {
      await account.save(
        {
          displayName,
          username: username || me.username || null,
          bio: bio || null,
          avatarUrl: avatarUrl || null,
        },
        () => writeProfileDocument(me.uid, { displayName, bio, avatarUrl }),
      );
    } catch (e) {
      if (e instanceof AccountRefusal || e instanceof ProfileNotConfirmed) return setError(e.message);
      return setError(profileRefusal(e));
    } finally {
      void queryClient.invalidateQueries({ queryKey: ["feed"] });
    }
    toasts.info("Profile saved.");
    onDone();
    navigate(profilePath({ uid: me.uid, username: username || me.username }), { replace: true });
  }

  return (
    <form className="edit-profile stack" onSubmit={submit} aria-label="Edit profile">
      <div className="field">
        <label htmlFor="edit-display-name">Display name</label>
        <input
          id="edit-display-name"
          name="displayName"
          defaultValue={me.displayName}
          maxLength={80}
          required
        />
      </div>
      <UsernameField
        id="edit-username"
        current={me.username}
        hint="Your address: /u/username. Letters, digits and underscores."
      />
      <div className="field">
        <label htmlFor="edit-bio">Bio</label>
        <textarea id="edit-bio" name="bio" defaultValue={me.bio ?? ""} maxLength={500} rows={3} />
      </div>
      <div className="field">
        <label htmlFor="edit-avatar">Picture URL</label>
        <input
          id="edit-avatar"
          name="avatarUrl"
          type="url"
          inputMode="url"
          defaultValue={me.avatarUrl ?? ""}
          maxLength={2048}
          aria-describedby="edit-avatar-hint"
        />
        <p id="edit-avatar-hint" className="hint">
          The https:// address of an image; leave empty for your initials.
        </p>
      </div>
      <p className="hint">
        Who can follow you and see your posts: <Link to="/settings">Settings</Link>.
      </p>
      <FormError message={error} />
      <div className="row">
        <button type="submit" className="button primary" disabled={saving}>
          Save
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
