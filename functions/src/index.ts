// Entry point the Functions runtime loads (lib/index.js after `npm run build`).
// Each export is one deployed function; their bodies live in the folders named for their domain.

import * as logger from "firebase-functions/logger";
import * as functionsV1 from "firebase-functions/v1";
import { beforeUserCreated } from "firebase-functions/v2/identity";
import { initialDisplayName } from "./auth/displayName.ts";

/** Blocking trigger: every new account starts with a display name. */
export const assignDisplayName = beforeUserCreated((event) => {
  const user = event.data;
  if (!user) return;
  const displayName = initialDisplayName(user);
  logger.info("assignDisplayName", { uid: user.uid, displayName });
  return { displayName };
});

/** Runs after an account exists; the Postgres mirror (Data Connect `User` row) hangs off it. */
export const onAuthUserCreated = functionsV1.auth.user().onCreate((user) => {
  logger.info("onAuthUserCreated", {
    uid: user.uid,
    displayName: user.displayName ?? null,
    node: process.version,
  });
});
