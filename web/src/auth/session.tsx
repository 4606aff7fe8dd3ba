// Who is signed in. Auth state comes from Firebase Auth; the account's Postgres row from GetMe. A new
// account's row is written by the Auth mirror function a second or two after sign-up; the app does not
// wait for it: it upserts the row itself (UpsertMe, idempotent with the mirror), so a new account has a
// working home feed at once. The signed-in screens render only once the row exists (see App), so no
// post or follow can race ahead of it. The display name typed at sign-up goes to the profile document
// (profiles/{uid}, the record the profile-sync function mirrors into the row) and to the row at once.

import { getMeRef, updateMyProfile, upsertMe } from "@rookery/dataconnect";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { onAuthStateChanged, type User } from "firebase/auth";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { fetchFromServer, operationKey } from "../data/query.ts";
import { auth, dataConnect } from "../firebase/client.ts";
import { writeProfileDocument } from "../profile/profileDocument.ts";

/** The signed-in account's row, as GetMe returns it. */
export interface Me {
  uid: string;
  username?: string | null;
  displayName: string;
  avatarUrl?: string | null;
  bio?: string | null;
  isPrivate: boolean;
  followerCount: number;
  followingCount: number;
  postCount: number;
}

type AuthState = { status: "loading" } | { status: "signedOut" } | { status: "signedIn"; user: User };

const AuthContext = createContext<AuthState>({ status: "loading" });

/** Tracks Firebase Auth's signed-in user for everything below it. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onAuthStateChanged(auth, (user) => {
        // Nothing of one account may show for the next one.
        queryClient.clear();
        setState(user ? { status: "signedIn", user } : { status: "signedOut" });
      }),
    [queryClient],
  );
  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}

/** Auth state: loading, signed out, or the signed-in Firebase user. */
export function useAuthState(): AuthState {
  return useContext(AuthContext);
}

/** The Firebase user; only for components rendered while signed in. */
export function useUser(): User {
  const state = useAuthState();
  if (state.status !== "signedIn") throw new Error("useUser outside a signed-in screen");
  return state.user;
}

/** The display name chosen on the sign-up form, for the account that is being created. */
let chosenDisplayName: { email: string; displayName: string } | null = null;

/** Remembers the name typed on the sign-up form until the new account's row has it. */
export function rememberChosenDisplayName(email: string, displayName: string): void {
  chosenDisplayName = { email: email.toLowerCase(), displayName };
}

/**
 * The query options of the signed-in account's row, created when the Auth mirror has not yet, and
 * given the name chosen at sign-up whichever of the two wrote it first.
 */
export function meQuery(user: User) {
  return {
    queryKey: operationKey("GetMe"),
    queryFn: async (): Promise<Me> => {
      const pending = chosenDisplayName;
      const chosen = pending && pending.email === user.email?.toLowerCase() ? pending.displayName : null;
      // First the profile document: the Auth trigger creates it with the email's local part unless it
      // exists, and the sync function copies whichever version is newest into the row.
      if (chosen) await writeProfileDocument(user.uid, { displayName: chosen });
      let row = (await fetchFromServer(getMeRef(dataConnect))).user;
      if (!row) {
        await upsertMe(dataConnect, {
          displayName: chosen ?? fallbackDisplayName(user),
          avatarUrl: user.photoURL,
        });
      } else if (chosen && row.displayName !== chosen) {
        await updateMyProfile(dataConnect, { displayName: chosen });
      }
      if (!row || chosen) row = (await fetchFromServer(getMeRef(dataConnect))).user;
      if (!row) throw new Error("your account has no profile yet");
      if (chosen) chosenDisplayName = null;
      return row;
    },
    staleTime: 30_000,
  };
}

/** The signed-in account's row (GetMe). */
export function useMe() {
  const user = useUser();
  return useQuery(meQuery(user));
}

/** Refetches the signed-in account's row (after a follow or a post changes its counters). */
export function useRefreshMe(): () => void {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: ["GetMe"] });
}

/** The name a new row starts with when the account has none: the email's local part, as the mirror does. */
export function fallbackDisplayName(user: Pick<User, "displayName" | "email">): string {
  const given = user.displayName?.trim();
  if (given) return given.slice(0, 80);
  const local = user.email?.split("@")[0]?.trim();
  return (local || "New rook").slice(0, 80);
}
