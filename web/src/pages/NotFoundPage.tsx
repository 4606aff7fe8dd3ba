import { Link } from "react-router";
import { Empty } from "../ui/states.tsx";

/** An unknown URL. */
export function NotFoundPage() {
  return (
    <>
      <h1 className="page-title">Page not found</h1>
      <Empty title="There's nothing at this address.">
        <Link to="/">Go to your home feed</Link>
      </Empty>
    </>
  );
}
