// "Show more" under a list that pages (an infinite query).
import type { ReactNode } from "react";

/** "Show more …" under a list that has another page; nothing when it has none. */
export function MoreButton(props: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label?: ReactNode;
}) {
  if (!props.list.hasNextPage) return null;
  return (
    <button
      type="button"
      className="button"
      disabled={props.list.isFetchingNextPage}
      onClick={() => props.list.fetchNextPage()}
    >
      {props.list.isFetchingNextPage ? "Loading…" : (props.label ?? "Show more")}
    </button>
  );
}
