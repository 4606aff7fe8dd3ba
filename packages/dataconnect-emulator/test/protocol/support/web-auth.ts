// Gives a web-SDK app a signed-in user without the Auth emulator: the Data Connect SDK asks the app's
// `auth-internal` component for the ID token, so this registers one that hands out a fixed token.
import { Component } from "@firebase/component";
import * as firebaseApp from "firebase/app";

// `_addComponent` is exported at runtime but left out of the public typings.
const { _addComponent } = firebaseApp as unknown as {
  _addComponent(app: firebaseApp.FirebaseApp, component: Component<"auth-internal">): void;
};

/** Makes `app` look signed in with `idToken` (call before `getDataConnect(app, …)`). */
export function signInWithIdToken(app: firebaseApp.FirebaseApp, uid: string, idToken: string): void {
  const authInternal = {
    getUid: () => uid,
    getToken: async () => ({ accessToken: idToken }),
    addAuthTokenListener: () => {},
    removeAuthTokenListener: () => {},
  };
  _addComponent(app, new Component("auth-internal", () => authInternal, "PRIVATE" as never));
}
