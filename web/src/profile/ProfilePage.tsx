// A profile at /u/<username> (or /u/<uid>): who they are, their counts, follow / mute / block, editing
// one's own profile, and their posts.

import {
  cancelFollowRequest,
  follow,
  type GetProfileData,
  getProfileRef,
  unfollow,
  userByUsernameRef,
} from "@rookery/dataconnect";
import { useBlock, useMute, useUnblock, useUnmute } from "@rookery/dataconnect/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMe, useRefreshMe } from "../auth/session.tsx";
import { describeError } from "../data/errors.ts";
import { serverQuery } from "../data/query.ts";
import { Feed } from "../feed/Feed.tsx";
import { dataConnect } from "../firebase/client.ts";
import { runOptimistic } from "../posts/optimistic.ts";
import { Avatar } from "../ui/Avatar.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { useToasts } from "../ui/toasts.tsx";
import { EditProfileForm } from "./EditProfileForm.tsx";
import { profilePath, remember, resolveHandle } from "./handles.ts";
import { nextRelation, type Relation, relationOf, withRelation } from "./relation.ts";

/** The query options of a profile (GetProfile), shared with the follow buttons elsewhere. */
export function profileQuery(uid: string) {
  return serverQuery(getProfileRef(dataConnect, { uid }));
}

/**
 * The uid a /u/<handle> URL names: a username this browser has seen, else the account UserByUsername
 * finds, else the handle itself (a uid). Null while the lookup runs.
 */
function useHandleUid(handle: string): string | null {
  const remembered = resolveHandle(handle);
  const known = remembered !== handle;
  const lookup = useQuery({
    ...serverQuery(userByUsernameRef(dataConnect, { username: handle })),
    enabled: !known,
  });
  if (known) return remembered;
  if (lookup.isPending) return null;
  const found = (lookup.data?.profile as { user?: { uid?: string } } | null | undefined)?.user?.uid;
  if (found) remember(handle, found);
  return found ?? handle;
}

/** The profile screen. */
export function ProfilePage() {
  const { handle = "" } = useParams();
  const uid = useHandleUid(handle);
  const profile = useQuery({ ...profileQuery(uid ?? ""), enabled: uid !== null });
  const me = useMe();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const user = profile.data?.user;

  // A profile reached by uid moves to its username URL once it has one.
  useEffect(() => {
    if (user?.username && user.username.toLowerCase() !== handle.toLowerCase()) {
      navigate(profilePath(user), { replace: true });
    }
  }, [user, handle, navigate]);

  if (profile.isPending) return <Loading label="Loading profile…" />;
  if (profile.isError)
    return <ErrorState error={profile.error} retry={() => profile.refetch()} what="this profile" />;
  if (!user) {
    return (
      <>
        <h1 className="page-title">Profile not found</h1>
        <Empty title={`We couldn't find @${handle}.`}>
          <p>
            Check the spelling, or find people on <Link to="/explore">Explore</Link>.
          </p>
        </Empty>
      </>
    );
  }
  const mine = me.data?.uid === user.uid;
  const blocking = !!profile.data.blocking;
  return (
    <>
      <section className="profile" aria-labelledby="profile-name">
        <div className="profile-banner" aria-hidden="true" />
        <div className="profile-head">
          <Avatar name={user.displayName} uid={user.uid} url={user.avatarUrl} size={88} />
          <div className="profile-buttons">
            {mine ? (
              <>
                <Link to="/settings" className="button">
                  Settings
                </Link>
                <button
                  type="button"
                  className="button"
                  aria-expanded={editing}
                  onClick={() => setEditing((e) => !e)}
                >
                  Edit profile
                </button>
              </>
            ) : (
              <>
                <RelationshipMenu uid={user.uid} data={profile.data} />
                {!blocking ? <FollowButton uid={user.uid} name={user.displayName} /> : null}
              </>
            )}
          </div>
        </div>
        <h1 id="profile-name" className="profile-name">
          {user.displayName}
        </h1>
        <p className="handle">
          {user.username ? `@${user.username}` : mine ? "No username yet: choose one in Edit profile." : null}
          {profile.data.followedBy ? <span className="badge">Follows you</span> : null}
          {user.isPrivate ? <span className="badge">Private</span> : null}
        </p>
        {user.bio ? <p className="bio">{user.bio}</p> : null}
        <p className="counts">
          <Link to={`${profilePath(user)}/following`}>
            <strong>{user.followingCount}</strong> following
          </Link>
          <Link to={`${profilePath(user)}/followers`}>
            <strong>{user.followerCount}</strong> followers
          </Link>
          <span>
            <strong>{user.postCount}</strong> {user.postCount === 1 ? "post" : "posts"}
          </span>
        </p>
        {mine && editing && me.data ? (
          <EditProfileForm me={me.data} onDone={() => setEditing(false)} />
        ) : null}
      </section>
      <h2 className="section-title">Posts</h2>
      {blocking ? (
        <Empty title="You blocked this account">You won't see their posts, and they can't follow you.</Empty>
      ) : (
        <Feed
          source={{ kind: "author", uid: user.uid }}
          label={`Posts by ${user.displayName}`}
          empty={
            // A private account's posts reach only its approved followers (the server leaves them out).
            user.isPrivate && !mine && !profile.data.following && user.postCount > 0 ? (
              <Empty title="This account is private">
                {profile.data.requested
                  ? `Once ${user.displayName} approves your request, their posts show up here.`
                  : `Follow ${user.displayName} to ask to see their posts.`}
              </Empty>
            ) : (
              <Empty title="No posts yet">
                {mine ? "Your posts will show up here." : "Nothing posted so far."}
              </Empty>
            )
          }
        />
      )}
    </>
  );
}

/**
 * Follow / Unfollow for `uid`: the button and the counts change at once and roll back on refusal. A
 * private account is asked instead: the button says "Requested" until the owner answers, and cancels the
 * request when pressed. `knownFollowing` skips the profile lookup where the list already says
 * (suggestions are unfollowed).
 */
export function FollowButton(props: {
  uid: string;
  name: string;
  compact?: boolean;
  knownFollowing?: boolean;
}) {
  const { uid, name } = props;
  const queryClient = useQueryClient();
  const profile = useQuery({ ...profileQuery(uid), enabled: props.knownFollowing === undefined });
  const refreshMe = useRefreshMe();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const [local, setLocal] = useState<Relation>(props.knownFollowing ? "following" : "none");
  const relation = profile.data ? relationOf(profile.data) : local;
  // Following a private account asks it; the server's answer says which happened (it may have switched).
  const askOnly = !!profile.data?.user?.isPrivate;
  const send = async (): Promise<Relation> => {
    if (relation === "following") return unfollow(dataConnect, { uid }).then(() => "none");
    if (relation === "requested")
      return cancelFollowRequest(dataConnect, { targetUid: uid }).then(() => "none");
    const { data } = await follow(dataConnect, { uid });
    return data.requested ? "requested" : "following";
  };
  async function toggle() {
    if (busy) return;
    setBusy(true);
    const planned = nextRelation(relation, askOnly);
    try {
      if (profile.data) {
        await runOptimistic<GetProfileData, Relation>(queryClient, {
          key: profileQuery(uid).queryKey,
          apply: (p) => withRelation(p, relation, planned),
          send,
          settle: (p, outcome) => (outcome === planned ? p : withRelation(p, planned, outcome)),
        });
      } else {
        setLocal(planned);
        setLocal(
          await send().catch((error: unknown) => {
            setLocal(relation);
            throw error;
          }),
        );
      }
      refreshMe();
      void queryClient.invalidateQueries({ queryKey: ["feed", "home"] });
      void queryClient.invalidateQueries({ queryKey: profileQuery(uid).queryKey });
    } catch (error) {
      const what = { following: "unfollow", requested: "cancel your request to follow", none: "follow" };
      toasts.error(`Couldn't ${what[relation]} ${name}. ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
  }
  const label = { following: "Unfollow", requested: "Requested", none: "Follow" }[relation];
  return (
    <button
      type="button"
      className={`button ${relation === "none" ? "primary" : ""}${props.compact ? " small" : ""}`}
      // In lists, each button names its person; the profile's own button is just "Follow".
      aria-label={props.compact ? `${label} ${name}` : undefined}
      // "Requested" is a pressed toggle: pressing it again withdraws the request.
      aria-pressed={relation === "requested" ? true : undefined}
      title={
        relation === "requested" ? `Waiting for ${name} to approve; press to cancel the request` : undefined
      }
      aria-busy={busy}
      disabled={props.knownFollowing === undefined && !profile.data}
      onClick={toggle}
    >
      {label}
    </button>
  );
}

/** Mute and block (each undoable), behind a disclosure. */
function RelationshipMenu({ uid, data }: { uid: string; data: GetProfileData }) {
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const refreshMe = useRefreshMe();
  const [open, setOpen] = useState(false);
  const options = {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: profileQuery(uid).queryKey });
      void queryClient.invalidateQueries({ queryKey: ["feed"] });
      refreshMe();
      setOpen(false);
    },
    onError: (error: unknown) => toasts.error(describeError(error)),
  };
  const mute = useMute(dataConnect, options);
  const unmute = useUnmute(dataConnect, options);
  const block = useBlock(dataConnect, options);
  const unblock = useUnblock(dataConnect, options);
  const name = data.user?.displayName ?? "this account";
  return (
    <div className="menu">
      <button type="button" className="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        More<span className="sr-only"> options for {name}</span>
      </button>
      {open ? (
        <div className="menu-panel">
          {data.muting ? (
            <button type="button" className="menu-item" onClick={() => unmute.mutate({ uid })}>
              Unmute
            </button>
          ) : (
            <button type="button" className="menu-item" onClick={() => mute.mutate({ uid })}>
              Mute
            </button>
          )}
          {data.blocking ? (
            <button type="button" className="menu-item" onClick={() => unblock.mutate({ uid })}>
              Unblock
            </button>
          ) : (
            <button type="button" className="menu-item danger" onClick={() => block.mutate({ uid })}>
              Block
            </button>
          )}
        </div>
      ) : null}
      {data.muting ? <span className="badge">Muted</span> : null}
    </div>
  );
}
