// Entry point the Functions runtime loads (lib/index.js after `npm run build`).
// Each export is one deployed function; their bodies live in the folders named for their domain.
import { initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { onMutationExecuted } from "firebase-functions/dataconnect";
import * as logger from "firebase-functions/logger";
import * as functionsV1 from "firebase-functions/v1";
import { onDocumentWritten } from "firebase-functions/v2/firestore";
import { beforeUserCreated } from "firebase-functions/v2/identity";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { initialDisplayName } from "./auth/displayName.ts";
import { likeCountSettler, likedPost, sweepLikeCounts } from "./counters/likeCounts.ts";
import { socialConnector } from "./dataconnect/client.ts";
import { createProfile, newProfile } from "./profiles/createProfile.ts";
import { mirrorUser } from "./profiles/mirrorUser.ts";
import { onProfileWrite } from "./profiles/syncProfile.ts";

initializeApp();

/** Blocking trigger: every new account starts with a display name. */
export const assignDisplayName = beforeUserCreated((event) => {
  const user = event.data;
  if (!user) return;
  const displayName = initialDisplayName(user);
  logger.info("assignDisplayName", { uid: user.uid, displayName });
  return { displayName };
});

/** After an account exists: its public profile in Firestore and its row in the social graph. */
export const onAuthUserCreated = functionsV1.auth.user().onCreate(async (user) => {
  const profile = newProfile(user);
  const [profileCreated, mirrored] = await Promise.all([
    createProfile(getFirestore(), user.uid, profile),
    mirrorUser(socialConnector(), user.uid, profile),
  ]);
  logger.info("onAuthUserCreated", { uid: user.uid, profileCreated, mirrored });
});

// One settler per instance: events arriving together share one recount per post.
const likes = likeCountSettler(socialConnector);

/**
 * Settles PostStat.likeCount after likes. The event is acknowledged once the recount that covers it
 * committed; a recount that fails after its retries fails the event, and `retry` redelivers it.
 */
export const onLikeAdded = onMutationExecuted(
  { service: "rookery", connector: "social", operation: "LikePost", retry: true },
  async (event) => {
    const post = likedPost(event);
    if (post) await likes.add(post);
  },
);

/** Settles PostStat.likeCount after unlikes (as onLikeAdded). */
export const onLikeRemoved = onMutationExecuted(
  { service: "rookery", connector: "social", operation: "UnlikePost", retry: true },
  async (event) => {
    const post = likedPost(event);
    if (post) await likes.add(post);
  },
);

/** Keeps the User row's display fields in step with the user's Firestore profile, in edit order. */
export const onProfileWritten = onDocumentWritten("profiles/{uid}", async (event) => {
  const result = await onProfileWrite(socialConnector(), event.params.uid, event.data?.after);
  logger.info("onProfileWritten", { uid: event.params.uid, ...result });
});

/**
 * Every minute, settles every post whose likes changed since their last settlement, whatever happened
 * to the events: the bound on how long a like count can stay wrong (dataconnect/README.md).
 */
export const sweepLikeCountsEveryMinute = onSchedule(
  { schedule: "every 1 minutes", timeoutSeconds: 120, retryCount: 0 },
  async () => {
    const report = await sweepLikeCounts(socialConnector(), { budgetMs: 50_000 });
    logger.info("sweepLikeCounts", { ...report });
  },
);
