// The signed-in shell: a skip link, the navigation landmark (a sidebar on desktop, a bar at the bottom
// on phones), the page's main landmark, and a complementary column with who to follow.
import { signOut } from "firebase/auth";
import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { useMe } from "../auth/session.tsx";
import { auth } from "../firebase/client.ts";
import { loadFirestore } from "../firebase/firestore.ts";
import { TrendingTags } from "../hashtags/TrendingTags.tsx";
import { UnreadBadge } from "../notifications/UnreadBadge.tsx";
import { WhoToFollow } from "../people/WhoToFollow.tsx";
import { profilePath } from "../profile/handles.ts";
import { SearchBox } from "../search/SearchBox.tsx";
import { Logo } from "../ui/Logo.tsx";

const icons: Record<string, string> = {
  Home: "M4 11l8-7 8 7v9h-5v-6H9v6H4z",
  Explore: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm3.5 5.5l-2 5-5 2 2-5z",
  Bookmarks: "M6 4h12v16l-6-4-6 4z",
  Drafts: "M5 19l1-4L16 5l3 3L9 18zM14 7l3 3",
  Notifications: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20h4",
  Profile: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
  Search: "M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM20 20l-4.6-4.6",
  Settings:
    "M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19 12l2-1.5-2-3.5-2.4.8-2-1.2L14 4h-4l-.6 2.6-2 1.2L5 7l-2 3.5L5 12l-2 1.5L5 17l2.4-.8 2 1.2L10 20h4l.6-2.6 2-1.2 2.4.8 2-3.5z",
};

/** The page frame around every signed-in screen. */
export function Layout() {
  const me = useMe();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After client-side navigation, focus moves to the new page (screen readers announce it).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);

  // Drafts are saved while typing, offline too: load Firestore once the first screen is up, so the
  // composer never waits for it (and an offline device already has it).
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 1500));
    idle(() => void loadFirestore());
  }, []);

  const profile = me.data ? profilePath(me.data) : "/me";
  const links: [string, string][] = [
    ["Home", "/"],
    ["Explore", "/explore"],
    ["Bookmarks", "/bookmarks"],
    ["Drafts", "/drafts"],
    ["Notifications", "/notifications"],
    ["Profile", profile],
    ["Search", "/search"],
    ["Settings", "/settings"],
  ];

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="sidebar">
        <NavLink to="/" className="brand" aria-label="Rookery home">
          <Logo />
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {links.map(([name, to]) => (
              <li key={name} className={`nav-${name.toLowerCase()}`}>
                <NavLink to={to} end={to === "/"} className="nav-link">
                  <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                    <path
                      d={icons[name]}
                      fill="none"
                      stroke="currentColor"
                      strokeWidth="1.8"
                      strokeLinejoin="round"
                    />
                  </svg>
                  <span className="nav-label">{name}</span>
                  {name === "Notifications" ? <UnreadBadge /> : null}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          {me.data ? (
            <span className="account-name" title={me.data.displayName}>
              {me.data.displayName}
            </span>
          ) : null}
          <button type="button" className="button subtle" onClick={() => signOut(auth)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
      <aside className="rail" aria-label="Suggestions">
        <SearchBox />
        <TrendingTags />
        <WhoToFollow />
      </aside>
    </div>
  );
}
