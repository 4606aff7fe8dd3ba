// Notifications, live from Firestore (users/{uid}/notifications and the unread counter, written by
// Cloud Functions): listeners on the app's lazily loaded Firestore with its persistent cache, and the
// two writes the rules allow (mark one read, mark all read). The shared client helpers and shapes are
// firestore/client/notifications.ts, loaded with Firestore so the first page load carries neither.
import { useEffect, useState } from "react";
import type { NotificationCounter, NotificationGroup } from "../../../firestore/client/notifications.ts";
import { loadFirestore } from "../firebase/firestore.ts";

/** Firestore and the notifications client, loaded once on first use. */
async function loadNotifications() {
  const [firestore, client] = await Promise.all([
    loadFirestore(),
    import("../../../firestore/client/notifications.ts"),
  ]);
  return { ...firestore, client };
}

/** How long an empty list from this device's cache waits for the server's before it is shown. */
const CACHE_PATIENCE_MS = 2500;

/** A group as the screen shows it. */
export interface NotificationItem {
  id: string;
  group: NotificationGroup;
  unread: boolean;
  /** "Ada and 12 others liked your post". */
  text: string;
}

/** The notifications screen's state. */
export interface NotificationsState {
  status: "loading" | "ready" | "error";
  items: NotificationItem[];
  /** The unread count (the counter document; 0 before anyone notified this account). */
  unread: number;
  /** Whether the counter document exists ("mark all read" updates it, so needs it). */
  hasCounter: boolean;
  /** True while what is shown comes from this device only, for a while now (offline, or unreachable). */
  fromCache: boolean;
  /** Whether there may be older groups than the `max` listened to. */
  more: boolean;
  error?: unknown;
}

/** The signed-in person's newest `max` notification groups (newest activity first) and unread count, live. */
export function useNotifications(uid: string, max = 50): NotificationsState {
  const [state, setState] = useState<NotificationsState>({
    status: "loading",
    items: [],
    unread: 0,
    hasCounter: false,
    fromCache: true,
    more: false,
  });
  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    // The two listeners' latest answers; the screen shows both together.
    let groups: { id: string; group: NotificationGroup }[] | undefined;
    let counter: NotificationCounter | undefined;
    let groupsFromCache = true;
    let full = false;
    let hasCounter = false;
    // A new device's cache is empty: its first answer ("nothing") is not shown as the truth until the
    // server had a moment to answer; after that the cache is what there is (offline).
    let patient = true;
    let show = () => {};
    const patience = setTimeout(() => {
      patient = false;
      show();
    }, CACHE_PATIENCE_MS);
    void loadNotifications().then(
      ({ db, sdk, client }) => {
        if (cancelled) return;
        show = () => {
          if (!groups) return;
          if (groupsFromCache && patient && groups.length === 0) return;
          setState({
            status: "ready",
            items: groups.map(({ id, group }) => ({
              id,
              group,
              unread: client.isUnread(group, counter),
              text: client.describeGroup(group),
            })),
            unread: counter?.unread ?? 0,
            hasCounter,
            fromCache: groupsFromCache && !patient,
            more: full,
          });
        };
        const failed = (error: unknown) => setState((s) => ({ ...s, status: "error", error }));
        const stopGroups = sdk.onSnapshot(
          client.notificationsQuery(db, uid, max),
          { includeMetadataChanges: true },
          (snapshot) => {
            groups = snapshot.docs.flatMap((doc) => {
              // A document the functions did not write (or an older shape) is left out, not a crash.
              const parsed = client.NotificationGroup.safeParse(doc.data({ serverTimestamps: "estimate" }));
              return parsed.success ? [{ id: doc.id, group: parsed.data }] : [];
            });
            groupsFromCache = snapshot.metadata.fromCache;
            full = snapshot.size >= max;
            show();
          },
          failed,
        );
        const stopCounter = sdk.onSnapshot(
          client.notificationCounter(db, uid),
          (snapshot) => {
            hasCounter = snapshot.exists();
            const parsed = client.NotificationCounter.safeParse(
              snapshot.data({ serverTimestamps: "estimate" }) ?? {},
            );
            counter = parsed.success ? parsed.data : undefined;
            show();
          },
          failed,
        );
        stop = () => {
          stopGroups();
          stopCounter();
        };
      },
      (error: unknown) => setState((s) => ({ ...s, status: "error", error })),
    );
    return () => {
      cancelled = true;
      clearTimeout(patience);
      stop();
    };
  }, [uid, max]);
  return state;
}

/** The signed-in person's unread count, live (0 until known). Starts once the browser is idle. */
export function useUnreadCount(uid: string): number {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    // After the first screen is up, like the rest of Firestore (see Layout).
    const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 1000));
    idle(() => {
      void loadNotifications().then(({ db, sdk, client }) => {
        if (cancelled) return;
        stop = sdk.onSnapshot(
          client.notificationCounter(db, uid),
          (snapshot) => {
            const parsed = client.NotificationCounter.safeParse(snapshot.data() ?? {});
            setUnread(parsed.success ? parsed.data.unread : 0);
          },
          // The badge is a hint: without Firestore it just does not show (the screen says why).
          () => setUnread(0),
        );
      });
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [uid]);
  return unread;
}

/** Marks group `id` read (shown at once; the listener puts it back if the server refuses). */
export async function markRead(uid: string, id: string): Promise<void> {
  const { db, client } = await loadNotifications();
  return client.markNotificationRead(db, uid, id);
}

/** Marks every notification read as of now (shown at once, like `markRead`). */
export async function markAllRead(uid: string): Promise<void> {
  const { db, client } = await loadNotifications();
  return client.markAllNotificationsRead(db, uid);
}

/**
 * A token that changes whenever a follow request arrives or goes (the `follow_request` group, live);
 * null until first known, or without Firestore.
 */
export function useFollowRequestsVersion(uid: string): string | null {
  const [version, setVersion] = useState<string | null>(null);
  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    void loadNotifications().then(({ db, sdk, client }) => {
      if (cancelled) return;
      stop = sdk.onSnapshot(
        client.followRequestGroup(db, uid),
        (snapshot) => {
          const group = client.NotificationGroup.safeParse(snapshot.data());
          setVersion(
            group.success
              ? `${group.data.actorCount}@${group.data.changedAt.seconds}.${group.data.changedAt.nanoseconds}`
              : "none",
          );
        },
        // Without Firestore the list is still right when opened; it just does not refresh itself.
        () => setVersion(null),
      );
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [uid]);
  return version;
}
