// The search box of the layout: Enter opens /search?q=… (on the tab being shown, when already there).
import { type FormEvent, useEffect, useState } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { normalizeQuery, searchPath, searchTab } from "./searchParams.ts";

/** A search landmark with one search box labelled "Search". */
export function SearchBox({ className }: { className?: string }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const onSearchPage = location.pathname === "/search";
  const current = onSearchPage ? normalizeQuery(params.get("q")) : "";
  const [text, setText] = useState(current);

  // The box shows the query of the search being shown (back/forward, a link to a search).
  useEffect(() => setText(current), [current]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = normalizeQuery(text);
    if (!query) return;
    navigate(searchPath(query, onSearchPage ? searchTab(params) : undefined));
  }

  return (
    <search>
      <form className={`search-box ${className ?? ""}`} onSubmit={submit}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path
            d="M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM20 20l-4.6-4.6"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
          />
        </svg>
        <input
          type="search"
          name="q"
          aria-label="Search"
          placeholder="Search people, posts, #tags"
          value={text}
          maxLength={200}
          autoComplete="off"
          enterKeyHint="search"
          onChange={(e) => setText(e.target.value)}
        />
      </form>
    </search>
  );
}
