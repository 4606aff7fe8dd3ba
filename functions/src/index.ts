// Entry point the Functions runtime loads (lib/index.js after `npm run build`).
// Each export is one deployed function; their bodies live in the folders named for their domain.
import { initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import * as logger from "firebase-functions/logger";
import * as functionsV1 from "firebase-functions/v1";
import { beforeUserCreated } from "firebase-functions/v2/identity";
import { initialDisplayName } from "./auth/displayName.ts";
import { createProfile, newProfile } from "./profiles/createProfile.ts";

initializeApp();

/** Blocking trigger: every new account starts with a display name. */
export const assignDisplayName = beforeUserCreated((event) => {
  const user = event.data;
  if (!user) return;
  const displayName = initialDisplayName(user);
  logger.info("assignDisplayName", { uid: user.uid, displayName });
  return { displayName };
});

/** After an account exists: its public profile document in Firestore. */
export const onAuthUserCreated = functionsV1.auth.user().onCreate(async (user) => {
  const created = await createProfile(getFirestore(), user.uid, newProfile(user));
  logger.info("onAuthUserCreated", { uid: user.uid, profileCreated: created });
});
