// Notifications under a randomized concurrent workload, on a PostgreSQL server (operations really run
// at once): accounts like and unlike, follow and unfollow (two of them private: follow requests, which
// they approve or decline and their requesters cancel), post (with @mentions), reply, comment and
// delete, all at once, while the mutation events are delivered to the real notification pipeline
// concurrently, shuffled, some twice, and finally all of them again late. Afterwards every
// notification group must equal what the rows imply (computed here independently) and every unread
// count must equal the number of unread groups.
import { deleteApp, initializeApp } from "firebase/app";
import {
  collection,
  connectFirestoreEmulator,
  type Firestore,
  getDocs,
  getFirestore,
  limit,
  query,
  setLogLevel,
  terminate,
  where,
} from "firebase/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../dataconnect/test/support.ts";
import {
  isUnread,
  markAllNotificationsRead,
  markNotificationRead,
  NotificationCounter,
  NotificationGroup,
} from "../../firestore/client/notifications.ts";
import { rfc3339Micros } from "../../functions/src/firestore/time.ts";
import { type Notifier, notifier } from "../../functions/src/notifications/notifier.ts";
import {
  type SocialStack,
  socialMutation,
  startSocialStack,
} from "../../functions/test/support/socialStack.ts";
import type { Database } from "../../packages/dataconnect-emulator/src/db/database.ts";
import type { MutationExecutedEvent } from "../../packages/dataconnect-emulator/src/index.ts";

const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `acct${i}`);
/** Private accounts: following them is a request, and their posts are for approved followers only. */
const PRIVATE = ["acct0", "acct1"];
const STEPS = 30;

/** A deterministic pseudo-random sequence (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.ROOKERY_WORKLOAD_SEED ?? 16);

describe("notification groups and unread counts after a randomized concurrent workload (PostgreSQL)", () => {
  let db: Database;
  let s: SocialStack;
  let pipeline: Notifier;
  // Each account's app: the web SDK, signed in, under firestore.rules, marking its notifications read.
  const apps = new Map<string, Firestore>();

  beforeAll(async () => {
    db = await openDatabase("postgres");
    s = await startSocialStack({ database: db, name: "workload", rules: true });
    pipeline = notifier({ dataConnect: () => s.dataConnect, firestore: () => s.firestore }, { flushMs: 5 });
    await s.users(...ACCOUNTS);
    for (const uid of PRIVATE) await s.mutate(uid, "UpdateMyProfile", { isPrivate: true });
    setLogLevel("silent");
    for (const uid of ACCOUNTS) {
      const app = initializeApp({ projectId: s.projectId, apiKey: "fake-api-key" }, `workload-${uid}`);
      const fdb = getFirestore(app);
      connectFirestoreEmulator(fdb, "127.0.0.1", s.firestoreEmulator.port, {
        mockUserToken: { sub: uid, user_id: uid },
      });
      apps.set(uid, fdb);
    }
  });
  afterAll(async () => {
    for (const fdb of apps.values()) {
      await terminate(fdb);
      await deleteApp(fdb.app);
    }
    await s?.close();
    await db?.close();
  });

  it("ends with every group and unread count exact", async () => {
    const rand = random(SEED);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    const posts = new Map<string, string[]>(ACCOUNTS.map((a) => [a, []])); // live posts by author (best knowledge)
    const comments = new Map<string, string[]>(ACCOUNTS.map((a) => [a, []]));
    const allPosts = () => [...posts.values()].flat();
    const text = () =>
      `${pick(["hi", "look", "so true", "nope"])}${rand() < 0.4 ? ` @${pick(ACCOUNTS)}` : ""}${rand() < 0.2 ? ` @${pick(ACCOUNTS).toUpperCase()}` : ""}`;

    // Everyone starts with two posts.
    for (const a of ACCOUNTS)
      for (let i = 0; i < 2; i++)
        posts
          .get(a)!
          .push(
            (await s.mutate<{ post_insert: { id: string } }>(a, "CreatePost", { content: text() }))
              .post_insert.id,
          );

    // Each account's steps in order, all accounts at once.
    let marked = 0;
    const liked = new Map<string, Set<string>>(ACCOUNTS.map((a) => [a, new Set()]));
    const following = new Map<string, Set<string>>(ACCOUNTS.map((a) => [a, new Set()]));
    // Every tenth step of each account is its app catching up (so marking always happens); the rest are
    // drawn at random (r).
    const step = async (me: string, i: number) => {
      const r = i % 10 === 9 ? rand() * 0.12 : rand();
      const others = ACCOUNTS.filter((a) => a !== me);
      if (r < 0.1) {
        // The app marks one unread group read (refused if it changed meanwhile: that is fine).
        const fdb = apps.get(me)!;
        const unreadOnes = await getDocs(
          query(collection(fdb, `users/${me}/notifications`), where("read", "==", false), limit(3)),
        );
        const target = unreadOnes.docs[Math.floor(rand() * unreadOnes.docs.length)];
        if (target)
          await markNotificationRead(fdb, me, target.id).then(
            () => marked++,
            () => {},
          );
        return;
      }
      if (r < 0.12) {
        await markAllNotificationsRead(apps.get(me)!, me).then(
          () => marked++,
          () => {},
        );
        return;
      }
      // Likes and follows go back and forth on a few targets, so groups keep appearing and vanishing.
      if (r < 0.3) {
        const post = pick(allPosts().slice(0, 12));
        liked.get(me)!.add(post);
        return s.attempt(me, "LikePost", { post });
      }
      if (r < 0.42) {
        const mine = [...liked.get(me)!];
        const post = mine.length > 0 && rand() < 0.8 ? pick(mine) : pick(allPosts());
        liked.get(me)!.delete(post);
        return s.attempt(me, "UnlikePost", { post });
      }
      // A private account spends its follow and reply steps answering pending requests (most approved).
      if (PRIVATE.includes(me) && r < 0.7) {
        const pending = await db.query<{ uid: string }>(
          "SELECT requester_uid AS uid FROM follow_request WHERE target_uid = $1",
          [me],
        );
        return s.attempt(me, rand() < 0.7 ? "ApproveFollowRequest" : "DeclineFollowRequest", {
          requesterUid: pending.length > 0 ? pick(pending).uid : pick(others),
        });
      }
      if (r < 0.5) {
        const uid = pick(others.slice(0, 3));
        following.get(me)!.add(uid);
        return s.attempt(me, "Follow", { uid });
      }
      if (r < 0.56) {
        const mine = [...following.get(me)!];
        const uid = mine.length > 0 ? pick(mine) : pick(others);
        following.get(me)!.delete(uid);
        return s.attempt(me, "Unfollow", { uid });
      }
      // Anyone else withdraws one of their requests.
      if (r < 0.62) return s.attempt(me, "CancelFollowRequest", { targetUid: pick(PRIVATE) });
      if (r < 0.7) {
        const reply = await s
          .mutate<{ post_insert: { id: string } }>(me, "Reply", { to: pick(allPosts()), content: text() })
          .catch(() => undefined);
        if (reply) posts.get(me)!.push(reply.post_insert.id);
        return;
      }
      if (r < 0.78) {
        const created = await s.mutate<{ post_insert: { id: string } }>(me, "CreatePost", {
          content: text(),
        });
        posts.get(me)!.push(created.post_insert.id);
        return;
      }
      if (r < 0.86) {
        const c = await s
          .mutate<{ comment_insert: { id: string } }>(me, "AddComment", {
            post: pick(allPosts()),
            content: "c",
          })
          .catch(() => undefined);
        if (c) comments.get(me)!.push(c.comment_insert.id);
        return;
      }
      if (r < 0.9 && comments.get(me)!.length > 0) {
        const mine = comments.get(me)!;
        return s.attempt(me, "DeleteComment", { id: mine.splice(Math.floor(rand() * mine.length), 1)[0] });
      }
      if (r < 0.93) return s.attempt(me, "Repost", { of: pick(allPosts()) });
      const mine = posts.get(me)!;
      if (mine.length > 1)
        return s.attempt(me, "DeletePost", { id: mine.splice(Math.floor(rand() * mine.length), 1)[0] });
    };

    // Deliverers: take events as they come, shuffled in small windows, a third of them twice.
    let producing = true;
    let taken = 0;
    const queue: MutationExecutedEvent[] = [];
    let delivered = 0;
    const deliverer = async () => {
      for (;;) {
        while (taken < s.events.length) {
          const e = s.events[taken++]!;
          queue.splice(Math.floor(rand() * (Math.min(queue.length, 8) + 1)), 0, e);
          if (rand() < 0.33) queue.splice(Math.floor(rand() * (queue.length + 1)), 0, e);
        }
        const next = queue.pop();
        if (!next) {
          if (!producing) return;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        await pipeline.handle(socialMutation(next));
        delivered++;
      }
    };
    const deliverers = Array.from({ length: 4 }, deliverer);
    await Promise.all(
      ACCOUNTS.map(async (me) => {
        for (let i = 0; i < STEPS; i++) await step(me, i);
      }),
    );
    await s.eventsReach(s.events.length);
    await new Promise((r) => setTimeout(r, 200)); // the last events reach the sink
    producing = false;
    await Promise.all(deliverers);
    // Late redelivery of everything, in reverse: nothing may change.
    const before = await firestoreState();
    for (const e of [...s.events].reverse()) await pipeline.handle(socialMutation(e));
    expect(await firestoreState()).toEqual(before);
    expect(delivered).toBeGreaterThan(s.events.length);
    expect(marked).toBeGreaterThan(0);
    const succeeded = (operation: string) =>
      s.events.filter((e) => e.operation === operation && e.data.payload.errors.length === 0).length;
    expect(succeeded("ApproveFollowRequest")).toBeGreaterThan(0);

    const expected = await expectedGroups();
    expect(Object.values(expected).flatMap(Object.keys).length).toBeGreaterThan(20);
    for (const uid of ACCOUNTS) {
      expect(before.groups[uid], uid).toEqual(expected[uid]);
      expect(before.unread[uid] ?? 0, `unread count of ${uid}`).toBe(before.unreadGroups[uid]);
    }
  });

  /**
   * Every account's groups as stored (id → count and actors, newest first), its unread count, and how
   * many of its groups are unread by the rule the app shows (not marked read, changed after mark-all).
   */
  async function firestoreState() {
    const groups: Record<string, Record<string, { actorCount: number; actors: string[] }>> = {};
    const unread: Record<string, number> = {};
    const unreadGroups: Record<string, number> = {};
    for (const uid of ACCOUNTS) {
      const snap = await s.firestore.collection(`users/${uid}/notifications`).get();
      const counterDoc = (await s.firestore.doc(`users/${uid}/notificationState/counter`).get()).data();
      const counter = counterDoc ? NotificationCounter.parse(counterDoc) : undefined;
      const parsed = snap.docs.map((d) => [d.id, NotificationGroup.parse(d.data())] as const);
      groups[uid] = Object.fromEntries(
        parsed.map(([id, g]) => [id, { actorCount: g.actorCount, actors: g.actors.map((a) => a.uid) }]),
      );
      unread[uid] = counter?.unread ?? 0;
      unreadGroups[uid] = parsed.filter(([, g]) => isUnread(g, counter)).length;
    }
    return { groups, unread, unreadGroups };
  }

  /** What the rows imply, computed here from the tables (not through the operations under test). */
  async function expectedGroups() {
    type Action = { recipient: string; group: string; actor: string; at: string };
    const q = <T>(sql: string) => db.query<T>(sql);
    // Who may see whose posts (sql/040_visibility.sql, restated; this workload blocks nobody): the author,
    // anyone if the post is public on a public account, and the author's approved followers.
    const follows = new Set(
      (await q<{ pair: string }>(`SELECT follower_uid || '>' || followee_uid AS pair FROM follow`)).map(
        (f) => f.pair,
      ),
    );
    const mayShow = (a: Action & { visibility: string }) =>
      a.actor === a.recipient ||
      (a.visibility === "PUBLIC" && !PRIVATE.includes(a.actor)) ||
      follows.has(`${a.recipient}>${a.actor}`);
    const hex = `replace(%s::text, '-', '')`;
    const id = (col: string) => hex.replace("%s", col);
    const at = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    const actions: Action[] = [
      ...(await q<Action>(`SELECT p.author_uid AS recipient, 'like_' || ${id("p.id")} AS "group", l.user_uid AS actor, ${at("l.created_at")} AS at
         FROM "like" l JOIN post p ON p.id = l.post_id WHERE p.deleted_at IS NULL`)),
      ...(
        await q<Action & { visibility: string }>(`SELECT t.author_uid AS recipient,
           CASE WHEN r.reply_to_id IS NOT NULL THEN 'reply_' ELSE 'repost_' END || ${id("t.id")} AS "group",
           r.author_uid AS actor, ${at("r.created_at")} AS at, r.visibility::text AS visibility
         FROM post r JOIN post t ON t.id = coalesce(r.reply_to_id, r.repost_of_id)
         WHERE r.deleted_at IS NULL AND t.deleted_at IS NULL`)
      ).filter(mayShow),
      ...(await q<Action>(`SELECT target_uid AS recipient, 'follow_request' AS "group", requester_uid AS actor,
           ${at("created_at")} AS at FROM follow_request`)),
      ...(await q<Action>(`SELECT t.author_uid AS recipient, 'comment_' || ${id("t.id")} AS "group", c.author_uid AS actor,
           ${at("c.created_at")} AS at
         FROM comment c JOIN post t ON t.id = c.post_id WHERE c.deleted_at IS NULL AND t.deleted_at IS NULL`)),
    ];
    // Follows: the new followers since the account's current follow period began (counter.followsSince).
    for (const uid of ACCOUNTS) {
      const since = (await s.firestore.doc(`users/${uid}/notificationState/counter`).get()).get(
        "followsSince",
      );
      actions.push(
        ...(await db.query<Action>(
          `SELECT followee_uid AS recipient, 'follow' AS "group", follower_uid AS actor, ${at("created_at")} AS at
           FROM follow WHERE followee_uid = $1 AND created_at > $2::timestamptz`,
          [uid, since ? rfc3339Micros(since) : "-infinity"],
        )),
      );
    }
    // Mentions: parsed here with the documented rule, not by the database's post_mentions().
    const live = await q<{
      id: string;
      author: string;
      content: string;
      parent_author: string | null;
      at: string;
      visibility: string;
    }>(
      `SELECT ${id("p.id")} AS id, p.author_uid AS author, p.content, t.author_uid AS parent_author, ${at("p.created_at")} AS at,
              p.visibility::text AS visibility
       FROM post p LEFT JOIN post t ON t.id = coalesce(p.reply_to_id, p.quote_of_id)
       WHERE p.deleted_at IS NULL AND p.repost_of_id IS NULL`,
    );
    for (const p of live) {
      const handles = [
        ...p.content.matchAll(/(?:^|[^A-Za-z0-9_@])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])/g),
      ].map((m) => m[1]!.toLowerCase());
      for (const handle of new Set(handles).values())
        if (ACCOUNTS.includes(handle) && handle !== p.author && handle !== p.parent_author) {
          const mention = { recipient: handle, group: `mention_${p.id}`, actor: p.author, at: p.at };
          if (mayShow({ ...mention, visibility: p.visibility })) actions.push(mention);
        }
    }
    const groups: Record<string, Record<string, { actorCount: number; actors: string[] }>> = {};
    const byGroup = new Map<string, Map<string, string>>(); // recipient\ngroup → actor → newest at
    for (const a of actions) {
      if (a.actor === a.recipient) continue;
      const key = `${a.recipient}\n${a.group}`;
      const actors = byGroup.get(key) ?? new Map<string, string>();
      if ((actors.get(a.actor) ?? "") < a.at) actors.set(a.actor, a.at);
      byGroup.set(key, actors);
    }
    for (const [key, actors] of byGroup) {
      const [recipient, group] = key.split("\n") as [string, string];
      const ordered = [...actors].sort((x, y) =>
        x[1] === y[1] ? x[0].localeCompare(y[0]) : y[1].localeCompare(x[1]),
      );
      groups[recipient] ??= {};
      groups[recipient][group] = {
        actorCount: actors.size,
        actors: ordered.slice(0, 3).map(([uid]) => uid),
      };
    }
    for (const uid of ACCOUNTS) groups[uid] ??= {};
    return groups;
  }
});
