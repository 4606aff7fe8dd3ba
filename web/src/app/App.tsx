// Providers and routes. Signed out, every URL shows the sign-in screen and returns to that URL after.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { SignInPage } from "../auth/SignInPage.tsx";
import { AuthProvider, useAuthState, useMe } from "../auth/session.tsx";
import { TagPage } from "../hashtags/TagPage.tsx";
import { BookmarksPage } from "../pages/BookmarksPage.tsx";
import { DraftsPage } from "../pages/DraftsPage.tsx";
import { ExplorePage } from "../pages/ExplorePage.tsx";
import { FollowRequestsPage } from "../pages/FollowRequestsPage.tsx";
import { HomePage } from "../pages/HomePage.tsx";
import { NotFoundPage } from "../pages/NotFoundPage.tsx";
import { NotificationsPage } from "../pages/NotificationsPage.tsx";
import { ThreadPage } from "../pages/ThreadPage.tsx";
import { FollowListPage } from "../profile/FollowListPage.tsx";
import { profilePath } from "../profile/handles.ts";
import { ProfilePage } from "../profile/ProfilePage.tsx";
import { SearchPage } from "../search/SearchPage.tsx";
import { SettingsPage } from "../settings/SettingsPage.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { ToastProvider } from "../ui/toasts.tsx";
import { Layout } from "./Layout.tsx";

/** The query client: refetch on focus only after a minute, retry reads twice, never retry writes. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: 2, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

const queryClient = createQueryClient();

/** The whole app. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <BrowserRouter>
          <AuthProvider>
            <Screens />
          </AuthProvider>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}

function Screens() {
  const auth = useAuthState();
  if (auth.status === "loading") {
    return (
      <main id="main" className="splash">
        <Loading label="Starting Rookery…" />
      </main>
    );
  }
  if (auth.status === "signedOut") {
    return (
      <Routes>
        <Route path="/signup" element={<SignInPage />} />
        <Route path="*" element={<SignInPage />} />
      </Routes>
    );
  }
  return <SignedIn />;
}

/** The signed-in screens, once the account's row exists (a new account's is created first). */
function SignedIn() {
  const me = useMe();
  if (me.isPending) {
    return (
      <main id="main" className="splash">
        <Loading label="Setting up your account…" />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main id="main" className="splash">
        <ErrorState error={me.error} retry={() => me.refetch()} what="your account" />
      </main>
    );
  }
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="signup" element={<Navigate to="/" replace />} />
        <Route path="explore" element={<ExplorePage />} />
        <Route path="bookmarks" element={<BookmarksPage />} />
        <Route path="drafts" element={<DraftsPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="notifications/requests" element={<FollowRequestsPage />} />
        <Route path="me" element={<MyProfileRedirect />} />
        <Route path="u/:handle" element={<ProfilePage />} />
        <Route path="u/:handle/followers" element={<FollowListPage direction="followers" />} />
        <Route path="u/:handle/following" element={<FollowListPage direction="following" />} />
        <Route path="p/:id" element={<ThreadPage />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="tag/:tag" element={<TagPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function MyProfileRedirect() {
  const me = useMe();
  if (!me.data) return <Loading />;
  return <Navigate to={profilePath(me.data)} replace />;
}
