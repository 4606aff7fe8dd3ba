// A person in a list: avatar, name, handle, and a Follow button (or other actions).
import type { ReactNode } from "react";
import { Link } from "react-router";
import { handleOf, profilePath } from "../profile/handles.ts";
import { FollowButton } from "../profile/ProfilePage.tsx";
import { Avatar } from "../ui/Avatar.tsx";

/** One list item for a person. */
export function PersonRow(props: {
  person: { uid: string; username?: string | null; displayName: string; avatarUrl?: string | null };
  detail?: ReactNode;
  showFollow?: boolean;
  /** Buttons in place of Follow (a follow request's Approve and Decline). */
  actions?: ReactNode;
  /** Whether the viewer follows them, when the list already knows. */
  following?: boolean;
}) {
  const { person } = props;
  return (
    <li className="person">
      <Avatar name={person.displayName} uid={person.uid} url={person.avatarUrl} size={40} />
      <div className="person-main">
        <Link to={profilePath(person)} className="author">
          {person.displayName}
        </Link>
        <span className="handle">{handleOf(person) ?? ""}</span>
        {props.detail ? <span className="muted small">{props.detail}</span> : null}
      </div>
      {props.showFollow ? (
        <FollowButton uid={person.uid} name={person.displayName} compact knownFollowing={props.following} />
      ) : null}
      {props.actions ? <div className="row">{props.actions}</div> : null}
    </li>
  );
}
