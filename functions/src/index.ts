// Entry point the Functions runtime loads (lib/index.js after `npm run build`).
// Each export is one deployed function; their bodies live in the folders named for their domain.
import { initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { onMutationExecuted } from "firebase-functions/dataconnect";
import * as logger from "firebase-functions/logger";
import * as functionsV1 from "firebase-functions/v1";
import { onDocumentWritten } from "firebase-functions/v2/firestore";
import { HttpsError, onCall } from "firebase-functions/v2/https";
import { beforeUserCreated } from "firebase-functions/v2/identity";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { deleteMyAccountCallable, exportMyDataCallable } from "./account/callables.ts";
import { deleteAccountData } from "./account/deleteAccount.ts";
import { initialDisplayName } from "./auth/displayName.ts";
import { firestoreCursorStore } from "./counters/cursorStore.ts";
import { likeCountSettler, likedPost, sweepLikeCounts } from "./counters/likeCounts.ts";
import { reconcileCounters } from "./counters/reconcile.ts";
import { socialConnector } from "./dataconnect/client.ts";
import { PublishError, PublishRequest, publishDraft as publish } from "./drafts/publishDraft.ts";
import { notifier } from "./notifications/notifier.ts";
import { createProfile, newProfile } from "./profiles/createProfile.ts";
import { mirrorUser } from "./profiles/mirrorUser.ts";
import { onProfileWrite } from "./profiles/syncProfile.ts";
import { usernameBase } from "./usernames/rules.ts";

initializeApp();

/** Blocking trigger: every new account starts with a display name. */
export const assignDisplayName = beforeUserCreated((event) => {
  const user = event.data;
  if (!user) return;
  const displayName = initialDisplayName(user);
  logger.info("assignDisplayName", { uid: user.uid, displayName });
  return { displayName };
});

/**
 * After an account exists: its public profile in Firestore and its row in the social graph, with a
 * unique username derived from its display name or email.
 */
export const onAuthUserCreated = functionsV1.auth.user().onCreate(async (user) => {
  const profile = newProfile(user);
  const [profileCreated, mirrored] = await Promise.all([
    createProfile(getFirestore(), user.uid, profile),
    mirrorUser(socialConnector(), user.uid, profile, usernameBase(user)),
  ]);
  logger.info("onAuthUserCreated", { uid: user.uid, profileCreated, ...mirrored });
});

/**
 * After an Auth account is deleted (console, Admin SDK, or deleteMyAccount): its social-graph rows and
 * Firestore documents go too, every other account's counters exact. Idempotent; a failure is retried.
 */
export const onAuthUserDeleted = functionsV1
  .runWith({ failurePolicy: true })
  .auth.user()
  .onDelete(async (user) => {
    const report = await deleteAccountData({ dc: socialConnector(), db: getFirestore() }, user.uid);
    logger.info("onAuthUserDeleted", { uid: user.uid, ...report });
  });

/** "Delete my account" for the signed-in user: `{ confirm: true }` after a recent sign-in. */
export const deleteMyAccount = onCall(
  deleteMyAccountCallable(() => ({ dc: socialConnector(), db: getFirestore(), auth: getAuth() })),
);

/** The signed-in user's data as one JSON archive (functions/src/account/archive.ts). */
export const exportMyData = onCall(
  { timeoutSeconds: 300, memory: "512MiB" },
  exportMyDataCallable(() => ({ dc: socialConnector(), db: getFirestore() })),
);

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

// One pipeline per instance: events arriving together share one transaction per recipient.
const notifications = notifier({ dataConnect: socialConnector, firestore: getFirestore });

/**
 * Notifications: every social mutation whose operation is in the handler table
 * (notifications/events.ts) brings the affected users' notification groups in Firestore
 * (`users/{uid}/notifications`) up to date with the database. Acknowledged once they are; a failure
 * fails the event and `retry` redelivers it (reconciling again is harmless).
 */
export const notifyOnSocialMutation = onMutationExecuted(
  { service: "rookery", connector: "social", operation: "{operation}", retry: true },
  async (event) => {
    const payload = event.data?.payload;
    await notifications.handle({
      operation: (event.params as { operation?: string }).operation ?? "",
      caller: event.authId ?? "",
      variables: payload?.variables,
      data: payload?.data,
      errors: payload?.errors ?? [],
    });
  },
);

/**
 * Publishes one of the caller's drafts as a post, exactly once however often it is called, and removes
 * the draft only once the post exists (drafts/publishDraft.ts). A callable function rather than two
 * client calls: it publishes the draft as the server has it (two devices publishing at once publish one
 * text, once), and the create-then-delete-if-unchanged protocol lives in one place, not in every client.
 */
export const publishDraft = onCall(async (request) => {
  if (!request.auth) throw new HttpsError("unauthenticated", "sign in to publish a draft");
  const parsed = PublishRequest.safeParse(request.data);
  if (!parsed.success) {
    throw new HttpsError("invalid-argument", parsed.error.issues.map((i) => i.message).join("; "));
  }
  try {
    const result = await publish(
      {
        firestore: getFirestore(),
        dataConnect: socialConnector(),
        authClaims: { ...request.auth.token, sub: request.auth.uid },
      },
      parsed.data,
    );
    logger.info("publishDraft", { uid: request.auth.uid, ...result });
    return result;
  } catch (error) {
    if (error instanceof PublishError) throw new HttpsError(error.code, error.message);
    throw error;
  }
});

/**
 * Every day, recounts every counter in batches and fixes drift, one log line per fix; continues where
 * the previous run stopped when one run is not enough (dataconnect/README.md, "Counters").
 */
export const reconcileCountersDaily = onSchedule(
  { schedule: "every 24 hours", timeoutSeconds: 540, retryCount: 0 },
  async () => {
    const report = await reconcileCounters(socialConnector(), {
      budgetMs: 480_000,
      store: firestoreCursorStore(getFirestore()),
      onFix: (fix) => logger.warn("counter drift fixed", { ...fix }),
    });
    logger.info("reconcileCounters", { ...report });
  },
);
